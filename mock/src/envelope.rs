//! Building responses: the JSON envelopes, raw values and HTML proxy pages.

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;

use crate::error::ApiError;

/// The body type of every response the mock sends.
pub(crate) type Body = Full<Bytes>;

/// The exact body of a successful write or delete.
pub(crate) const SUCCESS_BODY: &str = r#"{"success":true,"errors":[],"messages":[],"result":{}}"#;

/// `{"success":true,...,"result":{}}` with status 200.
pub(crate) fn success() -> Response<Body> {
    with_type(
        StatusCode::OK,
        "application/json",
        Bytes::from_static(SUCCESS_BODY.as_bytes()),
    )
}

/// `{"success":true,"errors":[],"messages":[],"result":<result>}` with status 200.
pub(crate) fn success_with(result: &impl Serialize) -> Response<Body> {
    let result = to_json(result);
    let bytes = format!(r#"{{"success":true,"errors":[],"messages":[],"result":{result}}}"#);
    with_type(StatusCode::OK, "application/json", Bytes::from(bytes))
}

/// A success envelope for a listing: `result` and then `result_info`.
pub(crate) fn success_paged(result: &impl Serialize, info: &impl Serialize) -> Response<Body> {
    let (result, info) = (to_json(result), to_json(info));
    let bytes = format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":{result},"result_info":{info}}}"#
    );
    with_type(StatusCode::OK, "application/json", Bytes::from(bytes))
}

/// A value as compact JSON. The mock's own result types always serialize; `null`
/// stands in should one ever fail, rather than a panic.
fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// The envelope for an [`ApiError`], with the error's status.
pub(crate) fn api_error(err: &ApiError) -> Response<Body> {
    failure(err.status(), err.code(), &err.message())
}

/// A `success:false` envelope with one error, sent with any status.
pub(crate) fn failure(status: StatusCode, code: u32, message: &str) -> Response<Body> {
    // Written by hand rather than through `json!` so the fields keep the API's
    // order (`json!` sorts object keys); only the message needs escaping.
    let message = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".to_owned());
    let bytes = format!(
        r#"{{"success":false,"errors":[{{"code":{code},"message":{message}}}],"messages":[],"result":null}}"#
    );
    with_type(status, "application/json", Bytes::from(bytes))
}

/// The stored bytes of a value, as `GET` returns them, with the `expiration`
/// header (seconds since the epoch) when the pair expires.
pub(crate) fn raw_value(value: Bytes, expiration: Option<i64>) -> Response<Body> {
    let mut response = with_type(StatusCode::OK, "application/octet-stream", value);
    if let Some(at) = expiration {
        response
            .headers_mut()
            .insert("expiration", HeaderValue::from(at));
    }
    response
}

/// A page like the one a proxy in front of the API sends: HTML, not JSON.
pub(crate) fn html_page(status: StatusCode) -> Response<Body> {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    let page = format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
         <center><h1>{code} {reason}</h1></center>\r\n\
         <hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
    );
    with_type(status, "text/html", Bytes::from(page))
}

/// A response with a status, a `Content-Type` and a body.
fn with_type(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Body> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
