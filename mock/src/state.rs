//! What every connection of one server shares.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::auth::Credentials;
use crate::caps::Caps;
use crate::clock::Clock;
use crate::faults::FaultQueue;
use crate::log::RequestLog;
use crate::store::Store;

/// The state of one running server.
#[derive(Debug)]
pub(crate) struct State {
    /// What `Authorization` / `X-Auth-*` must say.
    pub credentials: Credentials,
    /// The namespaces and their entries.
    pub store: Store,
    /// Faults waiting for the next requests.
    pub faults: FaultQueue,
    /// The most recent requests.
    pub log: RequestLog,
    /// The time expiration is judged by.
    pub clock: Clock,
    /// How long a client has to send a request's body.
    pub read_timeout: Duration,
    /// Whether writes to an unknown namespace are refused instead of creating it.
    pub strict_namespaces: bool,
    /// Numbers requests for the `cf-ray` header.
    counter: AtomicU64,
}

/// How a server is set up (from the builder).
#[derive(Debug)]
pub(crate) struct Setup {
    pub credentials: Credentials,
    pub log_capacity: usize,
    pub log_body_bytes: usize,
    pub read_timeout: Duration,
    pub strict_namespaces: bool,
    pub start_time: Option<i64>,
    pub caps: Caps,
}

impl State {
    /// Fresh state, with nothing stored.
    pub(crate) fn new(setup: Setup) -> Self {
        Self {
            credentials: setup.credentials,
            store: Store::new(setup.caps),
            faults: FaultQueue::default(),
            log: RequestLog::new(setup.log_capacity, setup.log_body_bytes),
            clock: setup.start_time.map(Clock::manual).unwrap_or_default(),
            read_timeout: setup.read_timeout,
            strict_namespaces: setup.strict_namespaces,
            counter: AtomicU64::new(0),
        }
    }

    /// The next request number, starting at 1.
    pub(crate) fn next_request_number(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }
}
