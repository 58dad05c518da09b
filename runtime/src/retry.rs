//! When to try again and how long to wait first.

use std::time::Duration;

use rand::Rng;

use crate::error::{Error, ErrorKind};
use crate::raw::RawResponse;
use crate::retry_rules::{is_retryable_status, parse_retry_after};

/// Backoff settings: exponential from `base`, at most `cap`, and `Retry-After` honoured up
/// to `retry_after_cap` (a longer wait ends the retries: the caller should decide).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
    pub(crate) retry_after_cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first), with jitter: between half and
    /// all of `base * 2^(retry-1)`, capped. Half is kept so that retries never stampede
    /// back at once yet always wait.
    fn delay(&self, retry: u32) -> Duration {
        let factor = 2_u32.saturating_pow(retry.saturating_sub(1));
        let full = self.base.saturating_mul(factor).min(self.cap);
        let half = full / 2;
        let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::rng().random_range(0..=jitter_nanos))
    }
}

/// How long to wait before another attempt, or `None` if there should be none.
/// `attempt` is the number of the attempt that just ended (1 for the first). A request
/// that is not `idempotent` is retried only when it never reached the server (a failed
/// connection): a 5xx, a timeout or a reset may come after the server acted on it.
pub(crate) fn next_delay(
    outcome: &Result<RawResponse, Error>,
    idempotent: bool,
    attempt: u32,
    retries: u32,
    backoff: &Backoff,
) -> Option<Duration> {
    if attempt > retries {
        return None;
    }
    match outcome {
        Ok(_) if !idempotent => None,
        Ok(raw) if is_retryable_status(raw.status) => match parse_retry_after(&raw.headers) {
            Some(wait) if wait > backoff.retry_after_cap => None,
            Some(wait) => Some(wait),
            None => Some(backoff.delay(attempt)),
        },
        Ok(_) => None,
        Err(e) if e.kind() == ErrorKind::Connect => Some(backoff.delay(attempt)),
        Err(e) if idempotent && matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Network) => {
            Some(backoff.delay(attempt))
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use reqwest::header::HeaderValue;
    use reqwest::header::{HeaderMap, RETRY_AFTER};
    use reqwest::StatusCode;

    fn raw(status: u16, retry_after: Option<&'static str>) -> Result<RawResponse, Error> {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        }
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        Ok(RawResponse::new(status, headers, Bytes::new()))
    }

    #[test]
    fn delays_grow_with_jitter_and_stop_at_the_cap() {
        let backoff = Backoff::default();
        for _ in 0..100 {
            let first = backoff.delay(1);
            assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(500));
            let late = backoff.delay(40);
            assert!(late >= Duration::from_secs(4) && late <= Duration::from_secs(8));
        }
    }

    #[test]
    fn only_retryable_outcomes_retry() {
        let b = Backoff::default();
        for status in [408, 409, 429, 500, 502, 503, 599] {
            assert!(
                next_delay(&raw(status, None), true, 1, 2, &b).is_some(),
                "{status}"
            );
        }
        for status in [200, 201, 400, 401, 403, 404, 413, 414] {
            assert!(
                next_delay(&raw(status, None), true, 1, 2, &b).is_none(),
                "{status}"
            );
        }
        assert!(next_delay(&raw(503, None), true, 3, 2, &b).is_none());
        assert!(next_delay(&raw(503, None), true, 1, 0, &b).is_none());
        let refused: Result<RawResponse, Error> = Err(Error::new(ErrorKind::Validation, "x"));
        assert!(next_delay(&refused, true, 1, 2, &b).is_none());
        let reset: Result<RawResponse, Error> = Err(Error::new(ErrorKind::Network, "x"));
        assert!(next_delay(&reset, true, 1, 2, &b).is_some());
    }

    #[test]
    fn a_request_that_is_not_idempotent_is_retried_only_when_it_was_never_sent() {
        let b = Backoff::default();
        for status in [408, 409, 429, 500, 503] {
            assert!(
                next_delay(&raw(status, None), false, 1, 2, &b).is_none(),
                "{status}"
            );
        }
        for kind in [ErrorKind::Timeout, ErrorKind::Network] {
            let failed: Result<RawResponse, Error> = Err(Error::new(kind, "x"));
            assert!(next_delay(&failed, false, 1, 2, &b).is_none(), "{kind:?}");
        }
        let refused: Result<RawResponse, Error> = Err(Error::new(ErrorKind::Connect, "x"));
        assert!(next_delay(&refused, false, 1, 2, &b).is_some());
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let b = Backoff::default();
        assert_eq!(
            next_delay(&raw(429, Some("7")), true, 1, 2, &b),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            next_delay(&raw(429, Some("60")), true, 1, 2, &b),
            Some(Duration::from_secs(60))
        );
        assert_eq!(next_delay(&raw(429, Some("61")), true, 1, 2, &b), None);
        let past = Some("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(
            next_delay(&raw(503, past), true, 1, 2, &b),
            Some(Duration::ZERO)
        );
        let huge = Some("99999999999999999999999999");
        assert_eq!(next_delay(&raw(429, huge), true, 1, 2, &b), None);
        let junk = next_delay(&raw(503, Some("soon")), true, 1, 2, &b);
        assert!(junk.is_some_and(|d| d <= Duration::from_millis(500)));
    }
}
