//! Faults queued by a test, each spent on one request.
//!
//! A fault counts requests, not calls: `fail_next(3, ..)` answers the next three
//! requests that reach the server, whether they are retries of one call or three
//! calls. What a client does not spend stays queued until spent or cleared.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use http::StatusCode;

/// What to put in the `Retry-After` header of an injected failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryAfter {
    /// A number of seconds, sent as `Retry-After: <n>`.
    Seconds(u64),
    /// Any header value as is, e.g. an HTTP date or something malformed.
    Raw(String),
}

impl From<u64> for RetryAfter {
    fn from(seconds: u64) -> Self {
        Self::Seconds(seconds)
    }
}

impl RetryAfter {
    /// The header value's text.
    pub(crate) fn header_text(&self) -> String {
        match self {
            Self::Seconds(n) => n.to_string(),
            Self::Raw(text) => text.clone(),
        }
    }
}

/// What happens to one request instead of (or before) normal handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer with this status and a `success:false` envelope.
    Fail {
        status: StatusCode,
        retry_after: Option<RetryAfter>,
    },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
    /// Answer with an HTML page, as a proxy in front of the API would.
    Html(StatusCode),
}

/// Faults in the order they were queued, as runs of one fault repeated `n` times,
/// so queueing `usize::MAX` faults costs one entry.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: Mutex<VecDeque<(Fault, usize)>>,
}

impl FaultQueue {
    /// Queues the same fault for the next `n` requests (after those already queued).
    pub(crate) fn push(&self, n: usize, fault: &Fault) {
        if n > 0 {
            crate::sync::lock(&self.queue).push_back((fault.clone(), n));
        }
    }

    /// The fault for the request being handled, if any is queued; spends one.
    pub(crate) fn take(&self) -> Option<Fault> {
        let mut queue = crate::sync::lock(&self.queue);
        let (fault, left) = queue.front_mut()?;
        let fault = fault.clone();
        *left = left.saturating_sub(1);
        if *left == 0 {
            queue.pop_front();
        }
        Some(fault)
    }

    /// How many requests still have a fault waiting for them (saturating).
    pub(crate) fn pending(&self) -> usize {
        let queue = crate::sync::lock(&self.queue);
        queue.iter().fold(0, |sum, (_, n)| sum.saturating_add(*n))
    }

    /// Drops every queued fault; returns how many there were (saturating).
    pub(crate) fn clear(&self) -> usize {
        let pending = self.pending();
        crate::sync::lock(&self.queue).clear();
        pending
    }
}

/// A status from a test's number; an invalid number (outside 100..=999) becomes 500
/// so that a typo in a test cannot crash the server.
pub(crate) fn status_from(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_spent_one_request_at_a_time() {
        let queue = FaultQueue::default();
        queue.push(2, &Fault::Drop);
        queue.push(0, &Fault::Html(StatusCode::BAD_GATEWAY));
        queue.push(1, &Fault::Html(StatusCode::BAD_GATEWAY));
        assert_eq!(queue.pending(), 3);
        assert_eq!(queue.take(), Some(Fault::Drop));
        assert_eq!(queue.take(), Some(Fault::Drop));
        assert_eq!(queue.take(), Some(Fault::Html(StatusCode::BAD_GATEWAY)));
        assert_eq!(queue.take(), None);
    }

    #[test]
    fn huge_counts_cost_nothing_and_clear_reports_them() {
        let queue = FaultQueue::default();
        queue.push(usize::MAX, &Fault::Drop);
        queue.push(usize::MAX, &Fault::Drop);
        assert_eq!(queue.pending(), usize::MAX);
        assert_eq!(queue.take(), Some(Fault::Drop));
        assert_eq!(queue.clear(), usize::MAX);
        assert_eq!(queue.pending(), 0);
    }
}
