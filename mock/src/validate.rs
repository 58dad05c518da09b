//! Checks on paths, queries and JSON items, in the API's terms.

use serde_json::Value;

use crate::error::ApiError;
use crate::limits::{MAX_ID_CHARS, MAX_KEY_BYTES, MIN_EXPIRATION_SECS};

/// Percent-decodes one path segment or query part, strictly: every `%` must start
/// an escape of two hex digits. `Err` holds the byte offset of the bad `%`.
///
/// Strict so that `q%G1` is refused instead of being stored as the key `q%G1`,
/// which is also what `q%25G1` names: a client that forgets to escape `%` fails.
pub(crate) fn percent_decode(raw: &str) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.bytes().enumerate();
    while let Some((at, byte)) = bytes.next() {
        if byte != b'%' {
            out.push(byte);
            continue;
        }
        let high = bytes.next().and_then(|(_, b)| hex_digit(b));
        let low = bytes.next().and_then(|(_, b)| hex_digit(b));
        match (high, low) {
            (Some(high), Some(low)) => out.push(high << 4 | low),
            _ => return Err(at),
        }
    }
    Ok(out)
}

/// The value of one hex digit.
fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// An account or namespace id: strictly decoded, UTF-8, 1..=32 characters.
pub(crate) fn identifier(raw: &str) -> Result<String, ApiError> {
    let bad = || ApiError::BadIdentifier(raw.to_owned());
    let bytes = percent_decode(raw).map_err(|_| bad())?;
    let decoded = String::from_utf8(bytes).map_err(|_| bad())?;
    let chars = decoded.chars().count();
    if chars == 0 || chars > MAX_ID_CHARS {
        return Err(bad());
    }
    Ok(decoded)
}

/// A key from a path segment: decoded exactly once (strictly), then [`key`].
pub(crate) fn key_segment(raw: &str) -> Result<String, ApiError> {
    let bytes = percent_decode(raw)
        .map_err(|at| ApiError::BadKeyName(format!("invalid percent-escape at byte {at}")))?;
    let key =
        String::from_utf8(bytes).map_err(|_| ApiError::BadKeyName("not valid UTF-8".to_owned()))?;
    self::key(key)
}

/// The rules of every key, wherever it comes from: 1..=512 bytes, never `.` or `..`.
pub(crate) fn key(key: String) -> Result<String, ApiError> {
    match key.as_str() {
        "" => Err(ApiError::BadKeyName("empty".to_owned())),
        "." | ".." => Err(ApiError::BadKeyName(format!("'{key}' is not allowed"))),
        _ if key.len() > MAX_KEY_BYTES => Err(ApiError::KeyTooLong(key.len())),
        _ => Ok(key),
    }
}

/// The expiration asked for by the query, as seconds since the epoch.
///
/// Both parameters are validated when present; if both are valid the TTL wins,
/// as on the real API.
pub(crate) fn expiration(raw_query: Option<&str>, now: i64) -> Result<Option<i64>, ApiError> {
    let text = |name| query_param(raw_query, name).map(decode_or_raw);
    let ttl = text("expiration_ttl").map(|raw| ttl(&raw)).transpose()?;
    let absolute = text("expiration")
        .map(|raw| absolute(&raw, now))
        .transpose()?;
    Ok(ttl.map(|secs| now.saturating_add(secs)).or(absolute))
}

/// The expiration of a bulk-write pair, by the same rules as the query's.
///
/// A JSON value is judged by its text, so `300.0`, `3e2` and `"300"` are refused
/// as `expiration_ttl=300.0` is.
pub(crate) fn json_expiration(
    ttl_value: Option<&Value>,
    absolute_value: Option<&Value>,
    now: i64,
) -> Result<Option<i64>, ApiError> {
    let ttl = ttl_value.map(|v| ttl(&v.to_string())).transpose()?;
    let absolute = absolute_value
        .map(|v| absolute(&v.to_string(), now))
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
pub(crate) fn whole_number(raw: &str) -> Option<i64> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// The raw value of the first query parameter with this (decoded) name.
pub(crate) fn query_param<'q>(raw_query: Option<&'q str>, name: &str) -> Option<&'q str> {
    raw_query?
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(key, _)| decode_query(key).as_deref() == Some(name))
        .map(|(_, value)| value)
}

/// Decodes a query part: `+` is a space (as form encoding and the API's front end
/// read it), escapes are strict, the result must be UTF-8.
pub(crate) fn decode_query(raw: &str) -> Option<String> {
    let spaced = raw.replace('+', " ");
    String::from_utf8(percent_decode(&spaced).ok()?).ok()
}

/// A query value decoded, or kept raw when it does not decode, so that it fails
/// whatever check comes next with its own text in the message.
fn decode_or_raw(raw: &str) -> String {
    decode_query(raw).unwrap_or_else(|| raw.to_owned())
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
    fn json_expiration_follows_the_query_rules() {
        let now = 1_000_000;
        let n = |v: Value| json_expiration(Some(&v), None, now).map_err(|e| e.code());
        assert_eq!(n(serde_json::json!(120)), Ok(Some(1_000_120)));
        assert_eq!(n(serde_json::json!(120.0)), Err(10033));
        assert_eq!(n(serde_json::json!("120")), Err(10033));
        assert_eq!(n(serde_json::json!(59)), Err(10033));
        let at = serde_json::json!(1_000_059);
        assert_eq!(
            json_expiration(None, Some(&at), now).map_err(|e| e.code()),
            Err(10034)
        );
    }

    #[test]
    fn first_parameter_counts() {
        assert_eq!(query_param(Some("a=1&a=2"), "a"), Some("1"));
        assert_eq!(
            query_param(Some("expiration_ttl"), "expiration_ttl"),
            Some("")
        );
        assert_eq!(query_param(Some("x=1"), "a"), None);
        assert_eq!(query_param(Some("%61=1"), "a"), Some("1"));
    }

    #[test]
    fn strict_percent_decoding() {
        assert_eq!(percent_decode("a%2Fb"), Ok(b"a/b".to_vec()));
        assert_eq!(
            percent_decode("%e2%82%AC"),
            Ok("\u{20ac}".as_bytes().to_vec())
        );
        assert_eq!(percent_decode("q%G1"), Err(1));
        assert_eq!(percent_decode("q%1"), Err(1));
        assert_eq!(percent_decode("%"), Err(0));
        assert_eq!(percent_decode("ab%"), Err(2));
        assert_eq!(percent_decode("q%25G1"), Ok(b"q%G1".to_vec()));
    }

    #[test]
    fn query_plus_is_a_space() {
        assert_eq!(decode_query("a+b%2B").as_deref(), Some("a b+"));
        assert_eq!(decode_query("%G1"), None);
        assert_eq!(decode_query("%FF"), None);
    }

    #[test]
    fn key_rules() {
        assert_eq!(key_segment("a%2Fb"), Ok("a/b".to_owned()));
        assert_eq!(key_segment("%2E").map_err(|e| e.code()), Err(10019));
        assert_eq!(key_segment("%FF").map_err(|e| e.code()), Err(10019));
        assert_eq!(
            key_segment("q%G1"),
            Err(ApiError::BadKeyName(
                "invalid percent-escape at byte 1".to_owned()
            ))
        );
        assert_eq!(key_segment(&"a".repeat(512)).map(|k| k.len()), Ok(512));
        assert_eq!(
            key_segment(&"a".repeat(513)),
            Err(ApiError::KeyTooLong(513))
        );
        // 171 three-byte characters: 513 bytes but 171 chars.
        let wide = "%E2%82%AC".repeat(171);
        assert_eq!(key_segment(&wide), Err(ApiError::KeyTooLong(513)));
    }

    #[test]
    fn identifier_rules() {
        assert!(identifier(&"f".repeat(32)).is_ok());
        assert!(identifier(&"f".repeat(33)).is_err());
        assert!(identifier("").is_err());
        assert!(identifier("ab%zz").is_err());
    }
}
