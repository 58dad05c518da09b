//! `GET .../keys`: a namespace's live keys in byte order, with prefix, limit and an
//! opaque cursor.
//!
//! The cursor is the last returned key's name, base64url-encoded. Resuming walks
//! from strictly after that name, so it stays valid however keys change between
//! pages: nothing returned is returned again, and nothing that stayed is skipped.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::call::Call;
use crate::envelope::{self, Body};
use crate::error::ApiError;
use crate::json::{CursorInfo, KeyOut};
use crate::limits::LIST_LIMIT_RANGE;
use crate::store::ListQuery;
use crate::validate;

/// Lists one page of keys.
pub(crate) fn list(call: &Call<'_>) -> Result<http::Response<Body>, ApiError> {
    let (account, namespace) = call.namespace()?;
    let limit = limit(call.query("limit"))?;
    let prefix = text_param(call.query("prefix"), "prefix")?.unwrap_or_default();
    let after = cursor(call.query("cursor"))?;
    let query = ListQuery {
        prefix: &prefix,
        after: after.as_deref(),
        limit,
    };
    let (page, more) = call
        .state
        .store
        .list(&account, &namespace, &query, call.now())?;
    let next = match page.last() {
        Some(last) if more => encode_cursor(&last.name),
        _ => String::new(),
    };
    let keys: Vec<KeyOut<'_>> = page
        .iter()
        .map(|listed| KeyOut {
            name: &listed.name,
            expiration: listed.expiration,
            metadata: listed.metadata.as_ref(),
        })
        .collect();
    let info = CursorInfo {
        count: keys.len(),
        cursor: &next,
    };
    Ok(envelope::success_paged(&keys, &info))
}

/// `limit`: a whole number in 10..=1000; 1000 when absent.
fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    let (min, max) = LIST_LIMIT_RANGE;
    let Some(raw) = raw else {
        return Ok(max);
    };
    let bad = || {
        ApiError::BadListParam(format!(
            "Invalid limit of {raw}. Please specify an integer between {min} and {max}."
        ))
    };
    let text = validate::decode_query(raw).ok_or_else(bad)?;
    let n = validate::whole_number(&text).ok_or_else(bad)?;
    usize::try_from(n)
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(bad)
}

/// A query parameter decoded as text, or refused naming the parameter.
pub(crate) fn text_param(raw: Option<&str>, name: &str) -> Result<Option<String>, ApiError> {
    raw.map(|raw| {
        validate::decode_query(raw).ok_or_else(|| {
            ApiError::BadListParam(format!(
                "Invalid {name}: {raw} is not percent-encoded UTF-8"
            ))
        })
    })
    .transpose()
}

/// The key a cursor resumes after; an empty or absent cursor starts at the beginning.
fn cursor(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let text = text_param(raw, "cursor")?.unwrap_or_default();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || ApiError::BadListParam(format!("Invalid cursor: {text}"));
    let bytes = URL_SAFE_NO_PAD.decode(&text).map_err(|_| bad())?;
    String::from_utf8(bytes).map(Some).map_err(|_| bad())
}

/// The cursor that resumes after `key`.
fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(limit(None), Ok(1000));
        assert_eq!(limit(Some("10")), Ok(10));
        assert_eq!(limit(Some("1000")), Ok(1000));
        for bad in ["9", "1001", "0", "-10", "10.0", "", "ten", "%G1"] {
            assert_eq!(limit(Some(bad)).map_err(|e| e.code()), Err(10002), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_any_key() {
        for key in ["a", "a/b?c", "\u{20ac}", "~~~"] {
            assert_eq!(cursor(Some(&encode_cursor(key))), Ok(Some(key.to_owned())));
        }
        assert_eq!(cursor(Some("")), Ok(None));
        assert_eq!(cursor(None), Ok(None));
        assert!(cursor(Some("!!")).is_err());
        // Valid base64 of bytes that are not UTF-8.
        assert!(cursor(Some("_w")).is_err());
    }
}
