//! Answers: the raw one that [`Core::send`](crate::Core::send) returns, and the typed
//! [`Response`] that the decoders make of it.

use std::ops::Deref;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::envelope::{self, ApiMessage, Head};
use crate::error::{Error, ErrorKind};

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

/// A successful answer: its status, headers, decoded body and the envelope's `messages`.
/// Dereferences to the body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    messages: Vec<ApiMessage>,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, without the rest.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The envelope's informational `messages` (empty for bodies that are not envelopes).
    pub fn messages(&self) -> &[ApiMessage] {
        &self.messages
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// Decodes a JSON answer: a non-2xx status or `success: false` is an error; a body that is
/// not JSON, or not a `T`, is [`ErrorKind::UnexpectedBody`]. Unknown fields are ignored.
pub fn decode_json<T: DeserializeOwned>(raw: RawResponse) -> Result<Response<T>, Error> {
    if !raw.status.is_success() {
        return Err(envelope::failure(&raw));
    }
    let unexpected = |why: &str| envelope::body_error(ErrorKind::UnexpectedBody, &raw, why);
    if raw.body.is_empty() {
        return Err(unexpected("empty body"));
    }
    let value: Value =
        serde_json::from_slice(&raw.body).map_err(|_| unexpected("the body is not JSON"))?;
    let head = Head::of(&value);
    let messages = match head {
        Some(head) if head.success == Some(false) => {
            return Err(envelope::api_error(ErrorKind::Api, &raw, head));
        }
        Some(head) => head.messages,
        None => Vec::new(),
    };
    let body = T::deserialize(value)
        .map_err(|e| unexpected(&format!("the body does not have the expected shape ({e})")))?;
    Ok(respond(raw, body, messages))
}

/// Takes a 2xx answer's body as bytes; a non-2xx status is an error.
pub fn decode_bytes(raw: RawResponse) -> Result<Response<Bytes>, Error> {
    if !raw.status.is_success() {
        return Err(envelope::failure(&raw));
    }
    let body = raw.body.clone();
    Ok(respond(raw, body, Vec::new()))
}

/// Accepts a 2xx answer whatever its body, unless that body is an envelope saying
/// `success: false`; a non-2xx status is an error.
pub fn decode_empty(raw: RawResponse) -> Result<Response<()>, Error> {
    if !raw.status.is_success() {
        return Err(envelope::failure(&raw));
    }
    let head = serde_json::from_slice::<Value>(&raw.body)
        .ok()
        .and_then(|v| Head::of(&v));
    let messages = match head {
        Some(head) if head.success == Some(false) => {
            return Err(envelope::api_error(ErrorKind::Api, &raw, head));
        }
        Some(head) => head.messages,
        None => Vec::new(),
    };
    Ok(respond(raw, (), messages))
}

fn respond<T>(raw: RawResponse, body: T, messages: Vec<ApiMessage>) -> Response<T> {
    Response {
        status: raw.status,
        headers: raw.headers,
        body,
        messages,
    }
}
