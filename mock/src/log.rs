//! The log of the requests the mock received: a ring of the most recent ones, each
//! keeping only a prefix of its body, so a long-running server stays small.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use http::HeaderMap;

/// Headers whose values `Debug` never shows.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "x-auth-key",
    "x-auth-user-service-key",
    "proxy-authorization",
    "cookie",
];

/// One request as it arrived, before any handling.
#[derive(Clone)]
pub struct LoggedRequest {
    /// The method, e.g. `PUT`.
    pub method: String,
    /// The request target exactly as sent: raw path and, if any, `?` and raw query.
    pub raw_path_and_query: String,
    /// All request headers.
    pub headers: HeaderMap,
    /// The first bytes of the body: at most the server's log body limit
    /// ([`MockServerBuilder::log_body_bytes`](crate::MockServerBuilder::log_body_bytes),
    /// 8 KiB by default).
    pub body: Bytes,
    /// How many body bytes the server read in all (an over-limit body is read and
    /// discarded up to a bound, so this can exceed what was kept).
    pub body_len: u64,
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

// By hand so that `{:?}` never shows credentials or body bytes.
impl std::fmt::Debug for LoggedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggedRequest")
            .field("method", &self.method)
            .field("raw_path_and_query", &self.raw_path_and_query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body_len))
            .finish()
    }
}

/// Headers with the values of [`SECRET_HEADERS`] replaced.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl std::fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if SECRET_HEADERS.contains(&name.as_str()) {
                map.entry(&name.as_str(), &format_args!("[redacted]"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

/// The most recent requests, oldest first.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
    capacity: usize,
    body_bytes: usize,
}

impl RequestLog {
    /// A log keeping `capacity` requests and `body_bytes` of each body.
    pub(crate) fn new(capacity: usize, body_bytes: usize) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            capacity,
            body_bytes,
        }
    }

    /// How many bytes of a body an entry keeps.
    pub(crate) fn body_bytes(&self) -> usize {
        self.body_bytes
    }

    /// Appends a request, dropping the oldest when full.
    pub(crate) fn push(&self, request: LoggedRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = crate::sync::lock(&self.entries);
        while entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(request);
    }

    /// A copy of the requests kept.
    pub(crate) fn all(&self) -> Vec<LoggedRequest> {
        crate::sync::lock(&self.entries).iter().cloned().collect()
    }

    /// How many requests are kept.
    pub(crate) fn len(&self) -> usize {
        crate::sync::lock(&self.entries).len()
    }

    /// Forgets every request so far.
    pub(crate) fn clear(&self) {
        crate::sync::lock(&self.entries).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn request(n: usize) -> LoggedRequest {
        LoggedRequest {
            method: "GET".to_owned(),
            raw_path_and_query: format!("/{n}"),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            body_len: 0,
        }
    }

    #[test]
    fn the_ring_keeps_the_most_recent() {
        let log = RequestLog::new(3, 0);
        for n in 0..10 {
            log.push(request(n));
        }
        let kept: Vec<String> = log
            .all()
            .into_iter()
            .map(|r| r.raw_path_and_query)
            .collect();
        assert_eq!(kept, ["/7", "/8", "/9"]);
        let off = RequestLog::new(0, 0);
        off.push(request(1));
        assert_eq!(off.len(), 0);
    }

    #[test]
    fn debug_redacts_secrets_and_bodies() {
        let mut logged = request(1);
        for (name, value) in [
            ("authorization", "Bearer s3cret-token"),
            ("x-auth-key", "s3cret-key"),
            ("x-auth-email", "me@example.com"),
        ] {
            logged.headers.insert(name, HeaderValue::from_static(value));
        }
        logged.body = Bytes::from_static(b"s3cret-body");
        logged.body_len = 11;
        let text = format!("{logged:?}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("\"authorization\": [redacted]"), "{text}");
        assert!(text.contains("me@example.com"), "{text}");
        assert!(text.contains("body: <11 bytes>"), "{text}");
    }
}
