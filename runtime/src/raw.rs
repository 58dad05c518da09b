//! Answers as the transport hands them over: read whole ([`RawResponse`]) or with the body
//! still on the connection ([`StreamedResponse`]). Plain data below the transport, the
//! envelope reader and the decoders, so none of them imports another to name an answer.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::error::{from_transport, Error};

/// How much of an answer that is not a 2xx is read, for its error envelope (1 MiB); see
/// [`Core::MAX_ERROR_BODY_BYTES`](crate::Core::MAX_ERROR_BODY_BYTES).
pub(crate) const MAX_ERROR_BODY_BYTES: usize = 1 << 20;

/// An answer as it arrived, whatever its status.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
    /// The operation that was called (its `operationId`); empty if unknown.
    pub operation: &'static str,
    /// How many attempts it took to get this answer.
    pub attempts: u32,
}

impl RawResponse {
    /// An answer to an unnamed operation after one attempt.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
            operation: "",
            attempts: 1,
        }
    }
}

/// What [`Core::send_streaming`](crate::Core::send_streaming) returns.
#[derive(Debug)]
pub enum Streamed {
    /// A 2xx answer whose body has not been read.
    Open(StreamedResponse),
    /// Any other answer, read whole, for the decoders to turn into an error.
    Read(RawResponse),
}

/// A 2xx answer whose body is still on the connection.
#[derive(Debug)]
pub struct StreamedResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The operation that was called (its `operationId`).
    pub operation: &'static str,
    /// How many attempts it took to get this answer.
    pub attempts: u32,
    pub(crate) body: reqwest::Response,
}

impl StreamedResponse {
    pub(crate) fn after_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// The body's length, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.body.content_length()
    }

    /// The body as a stream of chunks, read as the caller polls it.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<Bytes, Error>> + Send {
        use futures_util::TryStreamExt;
        self.body.bytes_stream().map_err(from_transport)
    }

    /// The answer with an empty body, for a caller that asked for the whole answer.
    pub(crate) fn into_raw_unread(self) -> RawResponse {
        RawResponse {
            status: self.status,
            headers: self.headers,
            body: Bytes::new(),
            operation: self.operation,
            attempts: self.attempts,
        }
    }
}
