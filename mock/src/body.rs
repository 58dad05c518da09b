//! Reading request bodies: which media types are accepted, and reading chunk by
//! chunk up to a limit and a deadline, so an oversized body is never held and a
//! stalled one never holds a connection.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use tokio::time::Instant;

use crate::error::ApiError;
use crate::limits::{
    MAX_BULK_DELETE_BYTES, MAX_BULK_WRITE_BYTES, MAX_DRAIN_BYTES, MAX_METADATA_BYTES,
    MAX_VALUE_BYTES, MULTIPART_OVERHEAD_BYTES, OTHER_BODY_BYTES,
};
use crate::routes::Kind;

/// How a write's body is to be read, from its `Content-Type`.
///
/// The rule: no `Content-Type`, `application/octet-stream`, `text/plain` or
/// `application/x-www-form-urlencoded` is a raw value; `multipart/form-data` (with a
/// boundary) is a form; anything else is refused. The urlencoded type is raw
/// because `curl -d`, the API reference's own example, sends it and the real API
/// stores those bytes as they are (never form-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// The body is the value's bytes.
    Raw,
    /// A form with this boundary.
    Multipart(String),
}

/// The body kind named by the headers, or why it is refused.
pub(crate) fn classify(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let Some(value) = headers.get(http::header::CONTENT_TYPE) else {
        return Ok(BodyKind::Raw);
    };
    let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/octet-stream" | "text/plain" | "application/x-www-form-urlencoded" => {
            Ok(BodyKind::Raw)
        }
        "multipart/form-data" => multer::parse_boundary(&text)
            .map(BodyKind::Multipart)
            .map_err(|_| ApiError::BadMultipart("Content-Type has no boundary".to_owned())),
        _ => Err(ApiError::UnsupportedMediaType(text)),
    }
}

/// A JSON route's body may come with no `Content-Type`, with `application/json`,
/// or with `application/x-www-form-urlencoded` (what `curl -d` sends; the bytes are
/// still read as JSON, never form-decoded); anything else, a multipart form sent
/// by mistake for one, is refused.
pub(crate) fn check_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(http::header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text.split(';').next().unwrap_or("").trim();
    let json_like = ["application/json", "application/x-www-form-urlencoded"];
    if json_like.iter().any(|t| essence.eq_ignore_ascii_case(t)) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(text.into_owned()))
    }
}

/// How many body bytes to keep before calling the body oversized.
pub(crate) fn limit(
    method: &Method,
    route: Option<Kind>,
    kind: &Result<BodyKind, ApiError>,
) -> usize {
    match (route, method) {
        (Some(Kind::Values), &Method::PUT) => match kind {
            Ok(BodyKind::Multipart(_)) => {
                MAX_VALUE_BYTES + MAX_METADATA_BYTES + MULTIPART_OVERHEAD_BYTES
            }
            _ => MAX_VALUE_BYTES,
        },
        (Some(Kind::Bulk), &Method::PUT) => MAX_BULK_WRITE_BYTES,
        (Some(Kind::Bulk), &Method::DELETE) | (Some(Kind::BulkDelete), _) => MAX_BULK_DELETE_BYTES,
        _ => OTHER_BODY_BYTES,
    }
}

/// How reading a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The whole body was read and kept.
    Complete,
    /// The body went past the limit: nothing was kept, the rest was discarded.
    OverLimit,
    /// The connection failed mid-body.
    Broken,
    /// The body did not arrive before the deadline.
    TimedOut,
}

/// A body as read: the bytes kept, how many were read in all, how reading ended.
#[derive(Debug, Clone)]
pub(crate) struct ReadBody {
    /// The whole body when complete; only the first bytes (up to `keep_prefix`)
    /// otherwise, for the request log.
    pub bytes: Bytes,
    /// Every body byte read, kept or discarded.
    pub len: u64,
    /// Why reading stopped.
    pub ending: Ending,
}

/// Reads a body chunk by chunk until `deadline`. Past `limit` bytes the buffer is
/// dropped (keeping `keep_prefix` bytes for the log) and the rest is read and
/// discarded, up to [`MAX_DRAIN_BYTES`], so the client still gets a clean answer
/// and an oversized body never occupies memory.
pub(crate) async fn read(
    mut body: Incoming,
    headers: &HeaderMap,
    limit: usize,
    keep_prefix: usize,
    deadline: Instant,
) -> ReadBody {
    let announced = content_length(headers).unwrap_or(0);
    let mut state = Progress::new(announced > limit, keep_prefix);
    // Reserving the announced length up front avoids growing (and so copying)
    // the buffer while a large value arrives; an oversized one reserves nothing.
    let mut buf = BytesMut::with_capacity(if state.over { 0 } else { announced });
    let ending = loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => break Ending::TimedOut,
            Ok(None) => break state.end(),
            Ok(Some(Err(_))) => break Ending::Broken,
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers carry no body bytes
        };
        state.len = state.len.saturating_add(chunk.len() as u64);
        if !state.over && buf.len() + chunk.len() > limit {
            state.over = true;
            state.fill_prefix(&buf);
            buf = BytesMut::new();
        }
        if !state.over {
            buf.extend_from_slice(&chunk);
            continue;
        }
        state.fill_prefix(&chunk);
        if state.len > MAX_DRAIN_BYTES {
            break Ending::OverLimit;
        }
    };
    let bytes = match ending {
        Ending::Complete => buf.freeze(),
        _ if state.over => Bytes::from(state.prefix),
        _ => prefix_of(&buf, keep_prefix),
    };
    ReadBody {
        bytes,
        len: state.len,
        ending,
    }
}

/// What reading has seen so far.
struct Progress {
    /// Body bytes read.
    len: u64,
    /// Whether the body went over its limit (or announced it would).
    over: bool,
    /// The first bytes of an over-limit body, for the log.
    prefix: Vec<u8>,
    /// How many bytes `prefix` may hold.
    keep: usize,
}

impl Progress {
    fn new(over: bool, keep: usize) -> Self {
        Self {
            len: 0,
            over,
            prefix: Vec::new(),
            keep,
        }
    }

    /// How a body that ended normally ended.
    fn end(&self) -> Ending {
        if self.over {
            Ending::OverLimit
        } else {
            Ending::Complete
        }
    }

    /// Appends to the log's prefix until it holds `keep` bytes.
    fn fill_prefix(&mut self, bytes: &[u8]) {
        let room = self.keep.saturating_sub(self.prefix.len());
        self.prefix.extend(bytes.iter().take(room));
    }
}

/// A copy (never a shared slice, which would keep the whole buffer alive) of the
/// first `keep` bytes.
pub(crate) fn prefix_of(bytes: &[u8], keep: usize) -> Bytes {
    Bytes::copy_from_slice(bytes.get(..keep.min(bytes.len())).unwrap_or_default())
}

/// The `Content-Length` header as a number, if present and valid.
fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn kind_of(content_type: Option<&'static str>) -> Result<BodyKind, u32> {
        let mut headers = HeaderMap::new();
        if let Some(ct) = content_type {
            headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        classify(&headers).map_err(|e| e.code())
    }

    #[test]
    fn media_type_rule() {
        assert_eq!(kind_of(None), Ok(BodyKind::Raw));
        assert_eq!(kind_of(Some("application/octet-stream")), Ok(BodyKind::Raw));
        assert_eq!(
            kind_of(Some("Text/Plain; charset=utf-8")),
            Ok(BodyKind::Raw)
        );
        assert_eq!(
            kind_of(Some("multipart/form-data; boundary=xyz")),
            Ok(BodyKind::Multipart("xyz".to_owned()))
        );
        assert_eq!(kind_of(Some("multipart/form-data")), Err(10036));
        assert_eq!(kind_of(Some("application/json")), Err(10035));
        assert_eq!(
            kind_of(Some("application/x-www-form-urlencoded")),
            Ok(BodyKind::Raw)
        );
        assert_eq!(kind_of(Some("text/html")), Err(10035));
    }
}
