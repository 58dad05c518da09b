//! Facts about an HTTP answer that decide a retry: which statuses are worth another attempt,
//! and how long the server asked the client to wait. Pure functions, read by the error type
//! ([`Error::is_retryable`](crate::Error::is_retryable), [`Error::retry_after`](crate::Error::retry_after))
//! and by the retry loop.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

/// The statuses worth another attempt: timeouts, conflicts, rate limits, server errors.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// `Retry-After` as a wait: whole seconds, or an HTTP date (a date in the past is no wait).
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many seconds to count is a wait longer than any cap, not junk.
        return Some(text.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
