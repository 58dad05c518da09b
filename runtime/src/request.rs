//! A request as generated code describes it, before the runtime sends it.

use std::time::Duration;

use reqwest::Method;

use crate::auth::Scheme;
use crate::body::Body;

/// One call of one operation, built by generated code.
#[derive(Debug)]
pub struct Request {
    /// The `operationId`, for errors and tracing.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL, starting with `/`, every parameter already
    /// percent-encoded with [`encode::push_segment`](crate::encode::push_segment).
    pub path: String,
    /// Query parameters with raw values, in order; the runtime percent-encodes them.
    pub query: Vec<(&'static str, String)>,
    /// Header parameters.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
    /// The operation's security requirements: alternatives (OR) of schemes (AND). The
    /// runtime uses the first alternative the configured credentials satisfy; an empty
    /// list means no authentication.
    pub security: &'static [&'static [Scheme]],
    /// True when sending the request twice does what sending it once does (GET, PUT,
    /// DELETE, or an operation the spec marks `x-kv-idempotent`). Only such requests are
    /// retried after they may have reached the server; others only after a failure to
    /// connect, when the server surely never saw them.
    pub idempotent: bool,
    /// Per-request settings.
    pub options: RequestOptions,
}

/// Settings for one request that override the client's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// How many times to retry after the first attempt (the client's setting if unset).
    pub retries: Option<u32>,
    /// How long each attempt may take (the client's setting if unset).
    pub timeout: Option<Duration>,
    /// How long the whole call may take, retries and waits included (the client's
    /// [`deadline`](crate::ClientBuilder::deadline) if unset).
    pub deadline: Option<Duration>,
}

impl RequestOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Retries at most `retries` times after the first attempt (0: never retry).
    #[must_use]
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = Some(retries);
        self
    }

    /// Gives each attempt at most `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Gives the whole call, every attempt and every wait between them, at most `deadline`.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
}
