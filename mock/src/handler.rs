//! Handling one request: log it, apply any queued fault, then route, authenticate,
//! validate and answer.

use std::time::{SystemTime, UNIX_EPOCH};

use http::request::Parts;
use http::{header, HeaderValue, Method, Request, Response};
use hyper::body::Incoming;

use crate::body::{self, BodyKind, Ending, ReadBody};
use crate::envelope::{self, Body};
use crate::error::ApiError;
use crate::faults::Fault;
use crate::log::LoggedRequest;
use crate::routes::{match_route, Route};
use crate::state::State;
use crate::store::StoredEntry;
use crate::validate::{self, Address};

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

/// The methods the values route serves, for the `Allow` header of a 405.
const ALLOWED: &str = "GET, PUT, DELETE";

/// Handles one request from start to answer.
pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
) -> Result<Response<Body>, NoAnswer> {
    let number = state.next_request_number();
    let (parts, incoming) = request.into_parts();
    let route = match_route(parts.uri.path());
    let kind = body::classify(&parts.headers);
    let limit = body::limit(&parts.method, route.is_some(), &kind);
    let read = body::read(incoming, &parts.headers, limit).await;
    state.log.push(logged(&parts, &read));
    if read.ending == Ending::Broken {
        return Err(NoAnswer);
    }
    let response = match state.faults.take() {
        Some(fault) => apply_fault(state, fault, &parts, route, kind, read).await?,
        None => answer(state, &parts, route, kind, read).await,
    };
    Ok(with_ray(response, number))
}

/// The log entry for a request.
fn logged(parts: &Parts, read: &ReadBody) -> LoggedRequest {
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    LoggedRequest {
        method: parts.method.as_str().to_owned(),
        raw_path_and_query: target,
        headers: parts.headers.clone(),
        body: read.bytes.clone(),
    }
}

/// Answers as the fault says (a delay ends in a normal answer).
async fn apply_fault(
    state: &State,
    fault: Fault,
    parts: &Parts,
    route: Option<Route<'_>>,
    kind: Result<BodyKind, ApiError>,
    read: ReadBody,
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
            Ok(answer(state, parts, route, kind, read).await)
        }
    }
}

/// The normal answer, success or error envelope.
async fn answer(
    state: &State,
    parts: &Parts,
    route: Option<Route<'_>>,
    kind: Result<BodyKind, ApiError>,
    read: ReadBody,
) -> Response<Body> {
    match values(state, parts, route, kind, read).await {
        Ok(response) => response,
        Err(err) => error_response(&err),
    }
}

/// An error envelope, with `Allow` on a 405.
fn error_response(err: &ApiError) -> Response<Body> {
    let mut response = envelope::api_error(err);
    if *err == ApiError::MethodNotAllowed {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(ALLOWED));
    }
    response
}

/// The values route: route, method, credentials, path, then the method's handler.
async fn values(
    state: &State,
    parts: &Parts,
    route: Option<Route<'_>>,
    kind: Result<BodyKind, ApiError>,
    read: ReadBody,
) -> Result<Response<Body>, ApiError> {
    let Some(Route::Values(path)) = route else {
        return Err(ApiError::NoRoute);
    };
    if ![Method::GET, Method::PUT, Method::DELETE].contains(&parts.method) {
        return Err(ApiError::MethodNotAllowed);
    }
    state.credentials.check(&parts.headers)?;
    let address = validate::address(&path)?;
    match parts.method {
        Method::PUT => put(state, &address, parts.uri.query(), kind, read).await,
        Method::GET => get(state, &address),
        _ => delete(state, &address),
    }
}

/// `PUT`: validate query and body, then replace the whole entry.
async fn put(
    state: &State,
    address: &Address,
    raw_query: Option<&str>,
    kind: Result<BodyKind, ApiError>,
    read: ReadBody,
) -> Result<Response<Body>, ApiError> {
    let expiration = validate::expiration(raw_query, now())?;
    let kind = kind?;
    if read.ending == Ending::OverLimit {
        return Err(ApiError::ValueTooLarge);
    }
    let (value, metadata) = match kind {
        BodyKind::Raw => (read.bytes, None),
        BodyKind::Multipart(boundary) => crate::multipart::parse(read.bytes, &boundary).await?,
    };
    let entry = StoredEntry {
        value,
        metadata,
        expiration,
    };
    state.store.put(
        &address.account_id,
        &address.namespace_id,
        &address.key,
        entry,
    );
    Ok(envelope::success())
}

/// `GET`: the stored bytes; an absent or expired entry is "key not found".
fn get(state: &State, address: &Address) -> Result<Response<Body>, ApiError> {
    let entry = state
        .store
        .get(&address.account_id, &address.namespace_id, &address.key);
    match entry {
        Some(entry) if entry.expiration.is_none_or(|at| at > now()) => {
            Ok(envelope::raw_value(entry.value))
        }
        _ => Err(ApiError::KeyNotFound),
    }
}

/// `DELETE`: succeeds whether or not the key was stored, as the API does.
fn delete(state: &State, address: &Address) -> Result<Response<Body>, ApiError> {
    state
        .store
        .delete(&address.account_id, &address.namespace_id, &address.key);
    Ok(envelope::success())
}

/// Seconds since the Unix epoch (0 if the clock is before it, rather than panic).
fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// Adds the `cf-ray` header the real API puts on every answer.
fn with_ray(mut response: Response<Body>, number: u64) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(&format!("mock-{number}")) {
        response.headers_mut().insert("cf-ray", value);
    }
    response
}
