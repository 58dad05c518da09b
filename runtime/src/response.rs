//! The typed [`Response`] that the decoders make of a [`RawResponse`].

use std::ops::Deref;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::envelope::{self, Head};
use crate::error::{Error, ErrorKind};
use crate::message::ApiMessage;
pub use crate::raw::RawResponse;
use crate::raw::Streamed;
use crate::stream::ByteStream;

pub use crate::result_info::ResultInfo;

/// A successful answer: its status, headers, decoded body, and the envelope's `messages`
/// and `result_info`. Dereferences to the body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    messages: Vec<ApiMessage>,
    result_info: Option<ResultInfo>,
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

    /// The envelope's `result_info` (paging details), when it had one.
    pub fn result_info(&self) -> Option<&ResultInfo> {
        self.result_info.as_ref()
    }

    /// The same answer with its body turned into something else.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            messages: self.messages,
            result_info: self.result_info,
        }
    }
}

impl Response<Value> {
    /// The JSON body read as a caller's type `U` (metadata into your own struct, say);
    /// a body of another shape is [`ErrorKind::UnexpectedBody`].
    pub fn deserialize<U: DeserializeOwned>(self) -> Result<Response<U>, Error> {
        let status = self.status;
        let body = crate::de::from_value::<U>(&self.body).map_err(|e| {
            Error::new(
                ErrorKind::UnexpectedBody,
                format!("HTTP {status}: the result does not have the requested shape ({e})"),
            )
        })?;
        Ok(self.map(|_| body))
    }
}

impl Response<Option<Value>> {
    /// The JSON body, when there is one, read as a caller's type `U`; see
    /// [`Response::<Value>::deserialize`].
    pub fn deserialize<U: DeserializeOwned>(self) -> Result<Response<Option<U>>, Error> {
        let status = self.status;
        let body = match &self.body {
            Some(value) => Some(crate::de::from_value::<U>(value).map_err(|e| {
                Error::new(
                    ErrorKind::UnexpectedBody,
                    format!("HTTP {status}: the result does not have the requested shape ({e})"),
                )
            })?),
            None => None,
        };
        Ok(self.map(|_| body))
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// Decodes a JSON answer: a non-2xx status or `success: false` is an error; a body that is
/// not JSON, or not a `T`, is [`ErrorKind::UnexpectedBody`]. Unknown fields are ignored, and
/// a float in an integer member is read by [`Lenient`](crate::de::Lenient)'s rule (`2.0` is
/// 2, `1577836800.5` is 1577836800). `T` is read straight from the bytes (no intermediate
/// JSON tree), so memory follows `T`.
pub fn decode_json<T: DeserializeOwned>(raw: RawResponse) -> Result<Response<T>, Error> {
    let messages = success_head(&raw)?.map_or_else(Vec::new, |head| head.messages);
    let body =
        crate::de::from_slice::<T>(&raw.body).map_err(|e| shape_error(&raw, "the body", &e))?;
    Ok(respond(raw, body, messages))
}

/// Decodes an enveloped JSON answer (`{"success", "errors", "messages", "result",
/// "result_info"}`) to its `result`: a non-2xx status or `success: false` is an error; a body
/// that is not an envelope, or whose `result` is not a `T`, is [`ErrorKind::UnexpectedBody`].
/// A missing `result` reads as `null` (so `T = ()` or `Option<_>` accept it). `T` is read
/// straight from the bytes, integers as [`decode_json`] reads them.
pub fn decode_result<T: DeserializeOwned>(raw: RawResponse) -> Result<Response<T>, Error> {
    let unexpected = |why: &str| envelope::body_error(ErrorKind::UnexpectedBody, &raw, why);
    let Some(head) = success_head(&raw)? else {
        return Err(unexpected(
            "the body is not an envelope (an object with `success` or `errors`)",
        ));
    };
    let parts = crate::de::from_slice::<Parts<T>>(&raw.body)
        .map_err(|e| shape_error(&raw, "the result", &e))?;
    let body = match parts.result {
        Some(result) => result,
        None => T::deserialize(Value::Null).map_err(|e| shape_error(&raw, "the result", &e))?,
    };
    let mut response = respond(raw, body, head.messages);
    response.result_info = parts.result_info.and_then(ResultInfo::read);
    Ok(response)
}

/// The parts of an envelope a successful answer is read for; the rest is skipped.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Parts<T> {
    #[serde(default = "none")]
    result: Option<T>,
    #[serde(default)]
    result_info: Option<Value>,
}

fn none<T>() -> Option<T> {
    None
}

/// The error for a 2xx body that `T` could not be read from: not JSON at all, or JSON of
/// another shape (`what` names the part that was read).
fn shape_error(raw: &RawResponse, what: &str, error: &serde_json::Error) -> Error {
    let why = if serde_json::from_slice::<serde::de::IgnoredAny>(&raw.body).is_err() {
        "the body is not JSON".to_owned()
    } else {
        format!("{what} does not have the expected shape ({error})")
    };
    envelope::body_error(ErrorKind::UnexpectedBody, raw, &why)
}

/// The envelope head of a 2xx JSON answer, if it has one: a non-2xx status, an empty body
/// and `success: false` are errors. The head is read leniently (lossy UTF-8) in one pass
/// that skips `result` without building it.
fn success_head(raw: &RawResponse) -> Result<Option<Head>, Error> {
    if !raw.status.is_success() {
        return Err(envelope::failure(raw));
    }
    if raw.body.is_empty() {
        return Err(envelope::body_error(
            ErrorKind::UnexpectedBody,
            raw,
            "empty body",
        ));
    }
    match Head::read(&raw.body, false) {
        Some(head) if head.success == Some(false) => {
            Err(envelope::api_error(ErrorKind::Api, raw, head))
        }
        head => Ok(head),
    }
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
    let messages = match Head::read(&raw.body, false) {
        Some(head) if head.success == Some(false) => {
            return Err(envelope::api_error(ErrorKind::Api, &raw, head));
        }
        Some(head) => head.messages,
        None => Vec::new(),
    };
    Ok(respond(raw, (), messages))
}

/// Takes a streamed answer: a 2xx leaves its body to the caller as a [`ByteStream`]; any
/// other status is an error decoded from its (already read) envelope.
pub fn decode_stream(streamed: Streamed) -> Result<Response<ByteStream>, Error> {
    match streamed {
        Streamed::Read(raw) if !raw.status.is_success() => Err(envelope::failure(&raw)),
        Streamed::Read(raw) => {
            let body = ByteStream::buffered(raw.body.clone());
            Ok(respond(raw, body, Vec::new()))
        }
        Streamed::Open(open) => {
            let status = open.status;
            let headers = open.headers.clone();
            let body = ByteStream::open(open);
            Ok(Response {
                status,
                headers,
                body,
                messages: Vec::new(),
                result_info: None,
            })
        }
    }
}

fn respond<T>(raw: RawResponse, body: T, messages: Vec<ApiMessage>) -> Response<T> {
    Response {
        status: raw.status,
        headers: raw.headers,
        body,
        messages,
        result_info: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(status: u16, body: serde_json::Value) -> RawResponse {
        RawResponse::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::from(body.to_string()),
        )
    }

    #[test]
    fn decode_result_returns_the_result_and_keeps_the_rest() {
        let body = json!({"success": true, "errors": [], "messages": [{"code": 1, "message": "m"}],
            "result": {"id": "x"}, "result_info": {"count": 1, "cursor": ""}});
        let response: Response<Value> = decode_result(raw(200, body)).unwrap();
        assert_eq!(response.body(), &json!({"id": "x"}));
        assert_eq!(response.messages()[0].message, "m");
        assert_eq!(response.result_info().unwrap().count, Some(1));
        let none: Response<Option<Value>> =
            decode_result(raw(200, json!({"success": true, "errors": []}))).unwrap();
        assert_eq!(none.body(), &None);
    }

    #[test]
    fn decode_result_refuses_failures_and_non_envelopes() {
        let failed = json!({"success": false, "errors": [{"code": 10009, "message": "gone"}]});
        let error = decode_result::<Value>(raw(200, failed)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api);
        let error = decode_result::<Value>(raw(200, json!([1, 2]))).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
        let wrong = json!({"success": true, "result": "text"});
        let error = decode_result::<Vec<u8>>(raw(200, wrong)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
        let error = decode_result::<Value>(raw(404, json!({"success": false}))).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn a_json_result_reads_into_a_callers_type() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Meta {
            owner: String,
        }
        let response: Response<Value> = decode_result(raw(
            200,
            json!({"success": true, "result": {"owner": "me"}}),
        ))
        .unwrap();
        let meta = response.deserialize::<Meta>().unwrap();
        assert_eq!(meta.body(), &Meta { owner: "me".into() });
    }

    #[tokio::test]
    async fn decode_stream_hands_over_read_bodies_and_refuses_errors() {
        let ok = RawResponse::new(StatusCode::OK, HeaderMap::new(), Bytes::from_static(b"abc"));
        let response = decode_stream(Streamed::Read(ok)).unwrap();
        assert_eq!(response.into_body().to_bytes(10).await.unwrap(), "abc");
        let missing = raw(
            404,
            json!({"success": false, "errors": [{"code": 10009, "message": "key not found"}]}),
        );
        let error = decode_stream(Streamed::Read(missing)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert_eq!(error.errors()[0].code, 10009);
    }
}
