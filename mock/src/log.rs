//! The log of every request the mock received.

use std::sync::Mutex;

use bytes::Bytes;
use http::HeaderMap;

/// One request as it arrived, before any handling.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// The method, e.g. `PUT`.
    pub method: String,
    /// The request target exactly as sent: raw path and, if any, `?` and raw query.
    pub raw_path_and_query: String,
    /// All request headers.
    pub headers: HeaderMap,
    /// The body's bytes. A body over the route's limit is cut at the point where
    /// the mock stopped reading it.
    pub body: Bytes,
}

impl LoggedRequest {
    /// The first value of a header, if present and valid UTF-8 (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The raw path, without the query.
    pub fn raw_path(&self) -> &str {
        self.raw_path_and_query
            .split_once('?')
            .map_or(self.raw_path_and_query.as_str(), |(path, _)| path)
    }

    /// The raw query (after `?`), if the target had one.
    pub fn raw_query(&self) -> Option<&str> {
        self.raw_path_and_query
            .split_once('?')
            .map(|(_, query)| query)
    }
}

/// Requests in arrival order.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    /// Appends a request.
    pub(crate) fn push(&self, request: LoggedRequest) {
        crate::sync::lock(&self.entries).push(request);
    }

    /// A copy of every request so far.
    pub(crate) fn all(&self) -> Vec<LoggedRequest> {
        crate::sync::lock(&self.entries).clone()
    }

    /// Forgets every request so far.
    pub(crate) fn clear(&self) {
        crate::sync::lock(&self.entries).clear();
    }
}
