//! Faults queued by a test, each spent on one request.

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

/// Faults in the order they were queued; each request takes the first one.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: Mutex<VecDeque<Fault>>,
}

impl FaultQueue {
    /// Queues the same fault for the next `n` requests (after those already queued).
    pub(crate) fn push(&self, n: usize, fault: &Fault) {
        let mut queue = crate::sync::lock(&self.queue);
        queue.extend(std::iter::repeat_n(fault, n).cloned());
    }

    /// The fault for the request being handled, if any is queued.
    pub(crate) fn take(&self) -> Option<Fault> {
        crate::sync::lock(&self.queue).pop_front()
    }

    /// How many requests still have a fault waiting for them.
    pub(crate) fn pending(&self) -> usize {
        crate::sync::lock(&self.queue).len()
    }
}

/// A status from a test's number; an invalid number (outside 100..=999) becomes 500
/// so that a typo in a test cannot crash the server.
pub(crate) fn status_from(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
