//! Reading request bodies: which media types are accepted, and reading chunk by
//! chunk up to a limit so an oversized body is never held whole.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::error::ApiError;
use crate::limits::{
    MAX_METADATA_BYTES, MAX_VALUE_BYTES, MULTIPART_OVERHEAD_BYTES, OTHER_BODY_BYTES,
};

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

/// How many body bytes to read before calling the body oversized.
pub(crate) fn limit(
    method: &Method,
    is_values_route: bool,
    kind: &Result<BodyKind, ApiError>,
) -> usize {
    match (method, is_values_route, kind) {
        (&Method::PUT, true, Ok(BodyKind::Raw)) => MAX_VALUE_BYTES,
        (&Method::PUT, true, Ok(BodyKind::Multipart(_))) => {
            MAX_VALUE_BYTES + MAX_METADATA_BYTES + MULTIPART_OVERHEAD_BYTES
        }
        _ => OTHER_BODY_BYTES,
    }
}

/// How reading a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The whole body was read.
    Complete,
    /// The body went past the limit; reading stopped there.
    OverLimit,
    /// The connection failed mid-body.
    Broken,
}

/// A body as read: the bytes kept (at most the limit) and how reading ended.
#[derive(Debug, Clone)]
pub(crate) struct ReadBody {
    /// The bytes read, cut at the limit.
    pub bytes: Bytes,
    /// Why reading stopped.
    pub ending: Ending,
}

/// Reads a body chunk by chunk, stopping as soon as it passes `limit` bytes.
pub(crate) async fn read(mut body: Incoming, headers: &HeaderMap, limit: usize) -> ReadBody {
    // Reserving the announced length up front avoids growing (and so copying)
    // the buffer while a large value arrives.
    let mut buf = BytesMut::with_capacity(content_length(headers).unwrap_or(0).min(limit));
    let ending = loop {
        let Some(frame) = body.frame().await else {
            break Ending::Complete;
        };
        let Ok(frame) = frame else {
            break Ending::Broken;
        };
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers carry no body bytes
        };
        let room = limit - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            break Ending::OverLimit;
        }
        buf.extend_from_slice(&chunk);
    };
    ReadBody {
        bytes: buf.freeze(),
        ending,
    }
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
