//! Handling one request: read and log it, apply any queued fault, then route,
//! authenticate and hand it to the route's operation.

use http::request::Parts;
use http::{header, HeaderValue, Method, Request, Response};
use hyper::body::Incoming;
use tokio::time::Instant;

use crate::body::{self, BodyKind, Ending, ReadBody};
use crate::call::Call;
use crate::envelope::{self, Body};
use crate::error::ApiError;
use crate::faults::Fault;
use crate::log::LoggedRequest;
use crate::routes::{match_route, Kind, Route};
use crate::state::State;
use crate::{bulk, keys, namespaces, values};

/// Why a connection is closed without an answer; hyper closes the connection when
/// the service returns an error, which is exactly the fault we want.
#[derive(Debug)]
pub(crate) struct NoAnswer;

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed without an answer")
    }
}

impl std::error::Error for NoAnswer {}

/// Handles one request from start to answer.
pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
) -> Result<Response<Body>, NoAnswer> {
    let number = state.next_request_number();
    let deadline = Instant::now() + state.read_timeout;
    let (parts, incoming) = request.into_parts();
    let route = match_route(parts.uri.path());
    let body_kind = body::classify(&parts.headers);
    let body_limit = body::limit(&parts.method, route.map(|r| r.kind), &body_kind);
    let keep = state.log.body_bytes();
    let read = body::read(incoming, &parts.headers, body_limit, keep, deadline).await;
    state.log.push(logged(&parts, &read, keep));
    let response = match read.ending {
        Ending::Broken => return Err(NoAnswer),
        Ending::TimedOut => timed_out(state),
        Ending::Complete | Ending::OverLimit => {
            let pending = (route, body_kind, read, body_limit);
            match state.faults.take() {
                Some(fault) => apply_fault(state, fault, &parts, pending).await?,
                None => answer(state, &parts, pending).await,
            }
        }
    };
    Ok(with_ray(response, number))
}

/// The log entry for a request: target, headers, and a prefix of the body.
fn logged(parts: &Parts, read: &ReadBody, keep: usize) -> LoggedRequest {
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    LoggedRequest {
        method: parts.method.as_str().to_owned(),
        raw_path_and_query: target,
        headers: parts.headers.clone(),
        body: body::prefix_of(&read.bytes, keep),
        body_len: read.len,
    }
}

/// A 408 that also closes the connection: the rest of the body never came.
fn timed_out(state: &State) -> Response<Body> {
    let mut response = envelope::api_error(&ApiError::RequestTimeout(state.read_timeout));
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// What routing needs: route, body kind, body, body limit.
type Pending<'a> = (
    Option<Route<'a>>,
    Result<BodyKind, ApiError>,
    ReadBody,
    usize,
);

/// Answers as the fault says (a delay ends in a normal answer).
async fn apply_fault(
    state: &State,
    fault: Fault,
    parts: &Parts,
    pending: Pending<'_>,
) -> Result<Response<Body>, NoAnswer> {
    match fault {
        Fault::Drop => Err(NoAnswer),
        Fault::Html(status) => Ok(envelope::html_page(status)),
        Fault::Fail {
            status,
            retry_after,
        } => {
            let reason = status.canonical_reason().unwrap_or("Error");
            let message = format!("injected fault: {} {reason}", status.as_u16());
            let mut response = envelope::failure(status, u32::from(status.as_u16()), &message);
            let value = retry_after.and_then(|r| HeaderValue::from_str(&r.header_text()).ok());
            if let Some(value) = value {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Fault::Delay(duration) => {
            tokio::time::sleep(duration).await;
            Ok(answer(state, parts, pending).await)
        }
    }
}

/// The normal answer, success or error envelope.
async fn answer(state: &State, parts: &Parts, pending: Pending<'_>) -> Response<Body> {
    match route(state, parts, pending).await {
        Ok(response) => response,
        Err(err) => error_response(&err),
    }
}

/// An error envelope, with `Allow` on a 405.
fn error_response(err: &ApiError) -> Response<Body> {
    let mut response = envelope::api_error(err);
    if let ApiError::MethodNotAllowed(allow) = err {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    response
}

/// Route, method, credentials, then the operation.
async fn route(
    state: &State,
    parts: &Parts,
    (route, body_kind, body, body_limit): Pending<'_>,
) -> Result<Response<Body>, ApiError> {
    let route = route.ok_or(ApiError::NoRoute)?;
    if !route.kind.allows(&parts.method) {
        return Err(ApiError::MethodNotAllowed(route.kind.allow()));
    }
    state.credentials.check(&parts.headers)?;
    let call = Call {
        state,
        parts,
        segments: route.segments,
        body,
        body_kind,
        body_limit,
    };
    operate(route.kind, &parts.method, call).await
}

/// The operation for a route and method (the method is one the route allows).
async fn operate(kind: Kind, method: &Method, call: Call<'_>) -> Result<Response<Body>, ApiError> {
    match (kind, method) {
        (Kind::Namespaces, &Method::GET) => namespaces::list(&call),
        (Kind::Namespaces, _) => namespaces::create(&call),
        (Kind::Namespace, &Method::GET) => namespaces::get(&call),
        (Kind::Namespace, &Method::PUT) => namespaces::rename(&call),
        (Kind::Namespace, _) => namespaces::delete(&call),
        (Kind::Bulk, &Method::PUT) => bulk::write(&call),
        (Kind::Bulk, _) | (Kind::BulkDelete, _) => bulk::delete(&call),
        (Kind::BulkGet, _) => bulk::get(&call),
        (Kind::Keys, _) => keys::list(&call),
        (Kind::Metadata, _) => values::metadata(&call),
        (Kind::Values, &Method::PUT) => values::put(call).await,
        (Kind::Values, &Method::GET) => values::get(&call),
        (Kind::Values, _) => values::delete(&call),
    }
}

/// Adds the `cf-ray` header the real API puts on every answer.
fn with_ray(mut response: Response<Body>, number: u64) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(&format!("mock-{number}")) {
        response.headers_mut().insert("cf-ray", value);
    }
    response
}
