//! Checks on the path and query of a write, in the API's terms.

use percent_encoding::percent_decode_str;

use crate::error::ApiError;
use crate::limits::{MAX_ID_CHARS, MAX_KEY_BYTES, MIN_EXPIRATION_SECS};
use crate::routes::ValuesPath;

/// The decoded, validated parts of a values path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    /// The account id, decoded.
    pub account_id: String,
    /// The namespace id, decoded.
    pub namespace_id: String,
    /// The key, decoded exactly once.
    pub key: String,
}

/// Decodes and checks the account id, namespace id and key of a values path.
pub(crate) fn address(path: &ValuesPath<'_>) -> Result<Address, ApiError> {
    Ok(Address {
        account_id: identifier(path.account_id)?,
        namespace_id: identifier(path.namespace_id)?,
        key: key_name(path.key_name)?,
    })
}

/// An account or namespace id: 1..=32 characters once decoded.
fn identifier(raw: &str) -> Result<String, ApiError> {
    let decoded = decode(raw).ok_or_else(|| ApiError::BadIdentifier(raw.to_owned()))?;
    let chars = decoded.chars().count();
    if chars == 0 || chars > MAX_ID_CHARS {
        return Err(ApiError::BadIdentifier(raw.to_owned()));
    }
    Ok(decoded)
}

/// A key: decoded once, UTF-8, 1..=512 bytes, never `.` or `..`.
fn key_name(raw: &str) -> Result<String, ApiError> {
    let key = decode(raw).ok_or_else(|| ApiError::BadKeyName("not valid UTF-8".to_owned()))?;
    match key.as_str() {
        "" => Err(ApiError::BadKeyName("empty".to_owned())),
        "." | ".." => Err(ApiError::BadKeyName(format!("'{key}' is not allowed"))),
        _ if key.len() > MAX_KEY_BYTES => Err(ApiError::KeyTooLong(key.len())),
        _ => Ok(key),
    }
}

/// Percent-decodes one segment or query value; `None` if the bytes are not UTF-8.
pub(crate) fn decode(raw: &str) -> Option<String> {
    let bytes: Vec<u8> = percent_decode_str(raw).collect();
    String::from_utf8(bytes).ok()
}

/// The expiration asked for by the query, as seconds since the epoch.
///
/// Both parameters are validated when present; if both are valid the TTL wins,
/// as on the real API.
pub(crate) fn expiration(raw_query: Option<&str>, now: i64) -> Result<Option<i64>, ApiError> {
    let ttl = query_param(raw_query, "expiration_ttl")
        .map(|raw| ttl(&raw))
        .transpose()?;
    let absolute = query_param(raw_query, "expiration")
        .map(|raw| absolute(&raw, now))
        .transpose()?;
    Ok(ttl.map(|secs| now.saturating_add(secs)).or(absolute))
}

/// `expiration_ttl`: a whole number of seconds, at least 60.
fn ttl(raw: &str) -> Result<i64, ApiError> {
    let secs = whole_number(raw).ok_or_else(|| {
        ApiError::BadExpirationTtl(format!(
            "Invalid expiration_ttl of {raw}. Please specify integer greater than 0."
        ))
    })?;
    if secs < MIN_EXPIRATION_SECS {
        return Err(ApiError::BadExpirationTtl(format!(
            "Invalid expiration_ttl of {raw}. Expiration TTL must be at least {MIN_EXPIRATION_SECS}."
        )));
    }
    Ok(secs)
}

/// `expiration`: a whole number of seconds since the epoch, at least 60 s from now.
fn absolute(raw: &str, now: i64) -> Result<i64, ApiError> {
    let at = whole_number(raw).ok_or_else(|| {
        ApiError::BadExpiration(format!(
            "Invalid expiration of {raw}. Please specify integer greater than the current number of seconds since the UNIX epoch."
        ))
    })?;
    if at < now.saturating_add(MIN_EXPIRATION_SECS) {
        return Err(ApiError::BadExpiration(format!(
            "Invalid expiration of {raw}. Expiration times must be at least {MIN_EXPIRATION_SECS} seconds in the future."
        )));
    }
    Ok(at)
}

/// Digits only (an optional leading `-`), so `300.0`, `3e2` and `+300` are refused.
fn whole_number(raw: &str) -> Option<i64> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// The decoded value of the first query parameter with this name.
///
/// A value that does not decode to UTF-8 is kept raw, so it fails the number check.
fn query_param(raw_query: Option<&str>, name: &str) -> Option<String> {
    raw_query?
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| decode(key).as_deref() == Some(name))
        .map(|(_, value)| decode(value).unwrap_or_else(|| value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_only() {
        assert_eq!(whole_number("300"), Some(300));
        assert_eq!(whole_number("-5"), Some(-5));
        for bad in [
            "",
            "-",
            "300.0",
            "3e2",
            "+300",
            " 300",
            "0x10",
            "99999999999999999999",
        ] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn ttl_wins_over_expiration() {
        let now = 1_000_000;
        let got = expiration(Some("expiration=1000100&expiration_ttl=120"), now);
        assert_eq!(got, Ok(Some(1_000_120)));
    }

    #[test]
    fn first_parameter_counts() {
        assert_eq!(query_param(Some("a=1&a=2"), "a").as_deref(), Some("1"));
        assert_eq!(
            query_param(Some("expiration_ttl"), "expiration_ttl").as_deref(),
            Some("")
        );
        assert_eq!(query_param(Some("x=1"), "a"), None);
    }

    #[test]
    fn key_rules() {
        assert_eq!(key_name("a%2Fb"), Ok("a/b".to_owned()));
        assert_eq!(key_name("%2E").map_err(|e| e.code()), Err(10019));
        assert_eq!(key_name("%FF").map_err(|e| e.code()), Err(10019));
        assert_eq!(key_name(&"a".repeat(512)).map(|k| k.len()), Ok(512));
        assert_eq!(key_name(&"a".repeat(513)), Err(ApiError::KeyTooLong(513)));
        // 171 three-byte characters: 513 bytes but 171 chars.
        let wide = "%E2%82%AC".repeat(171);
        assert_eq!(key_name(&wide), Err(ApiError::KeyTooLong(513)));
    }

    #[test]
    fn identifier_rules() {
        assert!(identifier(&"f".repeat(32)).is_ok());
        assert!(identifier(&"f".repeat(33)).is_err());
        assert!(identifier("").is_err());
    }
}
