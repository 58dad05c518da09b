//! What every connection of one server shares.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::auth::Credentials;
use crate::faults::FaultQueue;
use crate::log::RequestLog;
use crate::store::Store;

/// The state of one running server.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// What `Authorization` / `X-Auth-*` must say.
    pub credentials: Credentials,
    /// The stored entries.
    pub store: Store,
    /// Faults waiting for the next requests.
    pub faults: FaultQueue,
    /// Every request received.
    pub log: RequestLog,
    /// Numbers requests for the `cf-ray` header.
    counter: AtomicU64,
}

impl State {
    /// State accepting these credentials, with nothing stored.
    pub(crate) fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            ..Self::default()
        }
    }

    /// The next request number, starting at 1.
    pub(crate) fn next_request_number(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }
}
