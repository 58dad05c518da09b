//! One error type for every failure, with a [`ErrorKind`] to match on without parsing text.

use std::any::Any;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::StatusCode;

use crate::message::ApiMessage;
use crate::retry_rules::{is_retryable_status, parse_retry_after};
use crate::validate::ConstraintError;

/// What went wrong, coarsely enough to decide what to do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument broke a constraint of the API. Nothing was sent.
    Validation,
    /// The client is not configured for this (credentials, base URL, a missing default).
    /// Nothing was sent.
    Config,
    /// The API refused the credentials (HTTP 401 or 403).
    Auth,
    /// The API found nothing there (HTTP 404).
    NotFound,
    /// Too many requests (HTTP 429); see [`Error::retry_after`].
    RateLimited,
    /// Any other refusal: another status, or `success: false` in a 2xx answer.
    Api,
    /// The server failed (HTTP 5xx).
    Server,
    /// A 2xx answer whose body is empty, not JSON, or not the expected shape.
    UnexpectedBody,
    /// A 2xx answer longer than the client reads into memory
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes),
    /// [`max_value_bytes`](crate::ClientBuilder::max_value_bytes)); the read was stopped.
    ResponseTooLarge,
    /// The server answered with a redirect (3xx). Redirects are never followed, so
    /// neither the credentials nor the body went anywhere but the base URL; the error
    /// names only the origin the redirect pointed to.
    Redirect,
    /// An attempt took longer than its timeout, or the call outlasted its deadline.
    Timeout,
    /// No connection could be made.
    Connect,
    /// The connection failed after it was made (reset, closed early, protocol error).
    Network,
    /// A retry was needed but the body came from a one-shot reader that was already consumed.
    BodyNotReplayable,
    /// A local file holding the body could not be read, or another local I/O failed.
    Io,
}

/// A failed call. Matchable by [`Error::kind`]; carries what the API said when it said
/// anything. Never contains a credential.
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    errors: Vec<ApiMessage>,
    omitted_errors: usize,
    messages: Vec<ApiMessage>,
    headers: Option<HeaderMap>,
    body_excerpt: Option<String>,
    /// The answer's body as read, for [`Error::api_body`].
    body: Option<bytes::Bytes>,
    attempts: u32,
    constraint: Option<ConstraintError>,
    io: Option<std::io::Error>,
    /// The body decoded as the schema the API declares for this status, or why it is not.
    detail: Option<Detail>,
}

/// What the message of an error answer without an envelope says about its body.
pub(crate) const NOT_AN_ENVELOPE: &str = "the body is not a JSON envelope";

/// An error answer's body decoded as the type the API declares for its status (by
/// [`detail`]), or the reason it could not be: what [`Error::with_detail`]'s decoder gives.
pub type Detail = Result<Box<dyn Any + Send + Sync>, serde_json::Error>;

/// Decodes an error answer's (already bounded) body as `T`, read like every answer (a float
/// in an integer member by [`crate::de::Lenient`]'s rule). Generated methods call it for
/// the error statuses their operation declares a JSON schema for.
#[doc(hidden)]
pub fn detail<T: serde::de::DeserializeOwned + Send + Sync + 'static>(body: &[u8]) -> Detail {
    crate::de::from_slice::<T>(body).map(|t| Box::new(t) as Box<dyn Any + Send + Sync>)
}

impl Error {
    /// The most items of an envelope's `errors` (and, separately, of its `messages`) an
    /// error keeps; [`omitted_errors`](Self::omitted_errors) counts the rest.
    pub const MAX_ERRORS: usize = 1000;

    /// An error of `kind` described by `message`.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                operation: None,
                status: None,
                errors: Vec::new(),
                omitted_errors: 0,
                messages: Vec::new(),
                headers: None,
                body_excerpt: None,
                body: None,
                attempts: 0,
                constraint: None,
                io: None,
                detail: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// Marks the error as coming from `operation`.
    pub(crate) fn in_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    /// Records how many attempts were made.
    pub(crate) fn after_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// Attaches the answer's status and headers.
    pub(crate) fn with_response(mut self, status: StatusCode, headers: HeaderMap) -> Self {
        self.inner.status = Some(status);
        self.inner.headers = Some(headers);
        self
    }

    /// Attaches the envelope's `errors` (at most [`Self::MAX_ERRORS`], with the count of
    /// those left out) and `messages`.
    pub(crate) fn with_envelope(
        mut self,
        errors: Vec<ApiMessage>,
        omitted_errors: usize,
        messages: Vec<ApiMessage>,
    ) -> Self {
        self.inner.errors = errors;
        self.inner.omitted_errors = omitted_errors;
        self.inner.messages = messages;
        self
    }

    /// Attaches a bounded excerpt of a body that could not be read as expected.
    pub(crate) fn with_excerpt(mut self, excerpt: String) -> Self {
        self.inner.body_excerpt = Some(excerpt);
        self
    }

    /// Keeps the answer's body (already bounded by the transport) for [`Error::api_body`].
    pub(crate) fn with_body(mut self, body: bytes::Bytes) -> Self {
        self.inner.body = (!body.is_empty()).then_some(body);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation that failed (its `operationId`), once the request was built.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The HTTP status, if an answer arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The items of the envelope's `errors`, in order: all of them, up to
    /// [`Self::MAX_ERRORS`]. Each text field holds at most
    /// [`ApiMessage::MAX_TEXT_BYTES`](crate::ApiMessage::MAX_TEXT_BYTES).
    pub fn errors(&self) -> &[ApiMessage] {
        &self.inner.errors
    }

    /// How many items of the envelope's `errors` came after the [`Self::MAX_ERRORS`] kept
    /// in [`errors`](Self::errors) (counted up to where the body was cut, if it was).
    pub fn omitted_errors(&self) -> usize {
        self.inner.omitted_errors
    }

    /// The items of the envelope's `messages`, in order, up to [`Self::MAX_ERRORS`].
    pub fn messages(&self) -> &[ApiMessage] {
        &self.inner.messages
    }

    /// The answer's headers, if an answer arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The answer's `Content-Type`, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers()?.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// At most 1 KiB of a body that was not the expected JSON (lossy UTF-8).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.inner.body_excerpt.as_deref()
    }

    /// The answer's body as it arrived, when there was one: for an error status, at most
    /// [`Core::MAX_ERROR_BODY_BYTES`](crate::Core::MAX_ERROR_BODY_BYTES) plus one byte (a
    /// longer body is cut there).
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body.as_deref()
    }

    /// The answer's body decoded as `T`: the error schema an API declares for a status
    /// (say a `404` whose `application/json` body is a `Problem`), read without parsing
    /// [`body_excerpt`](Self::body_excerpt). `None` when the answer had no body (or there
    /// was no answer); `Some(Err(_))` when the body is not JSON of `T`'s shape (or was cut).
    /// Read like every answer: a float in an integer member by [`crate::de::Lenient`]'s rule.
    ///
    /// ```no_run
    /// # async fn demo(error: kv_runtime::Error) {
    /// #[derive(serde::Deserialize)]
    /// struct Problem {
    ///     title: Option<String>,
    /// }
    /// if let Some(Ok(problem)) = error.api_body::<Problem>() {
    ///     println!("{:?}", problem.title);
    /// }
    /// # }
    /// ```
    pub fn api_body<T: serde::de::DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.body().map(crate::de::from_slice::<T>)
    }

    /// Decodes the body of an error answer with `decode`, which a generated method writes
    /// from the error responses its operation declares: given the status and the body, it
    /// answers `None` for a status with no declared JSON schema, else [`detail`] of that
    /// schema's type. Only an answer that is not a success and has a body is decoded; any
    /// other error is returned as it is. The body is the bounded one [`body`](Self::body)
    /// returns, so a body cut there does not decode.
    #[doc(hidden)]
    pub fn with_detail(mut self, decode: impl FnOnce(u16, &[u8]) -> Option<Detail>) -> Self {
        let Some(status) = self.inner.status.filter(|s| !s.is_success()) else {
            return self;
        };
        let Some(body) = self.inner.body.as_deref() else {
            return self;
        };
        self.inner.detail = decode(status.as_u16(), body);
        if matches!(self.inner.detail, Some(Ok(_))) {
            // Not an envelope, but what the API said it would send.
            let message = &self.inner.message;
            self.inner.message = message.replacen(NOT_AN_ENVELOPE, "the declared error body", 1);
        }
        self
    }

    /// The error answer's body as the type the API declares for its status (a `404` whose
    /// `application/json` schema is `Problem`: `error.detail::<types::Problem>()`), decoded
    /// once when the answer arrived; each method's documentation names the type per status.
    ///
    /// `None` when `T` is not the declared type, when the operation declares no JSON schema
    /// for the status, when there was no body, or when the body does not match the schema:
    /// then [`detail_error`](Self::detail_error) says why, and the rest of the error
    /// ([`kind`](Self::kind), [`status`](Self::status), the message with its excerpt,
    /// [`body`](Self::body), [`api_body`](Self::api_body)) is what it is without a schema.
    pub fn detail<T: Any>(&self) -> Option<&T> {
        match &self.inner.detail {
            Some(Ok(value)) => value.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// Why an error body the API declares a schema for did not decode as that schema's type
    /// (see [`detail`](Self::detail)): not JSON, or JSON of another shape.
    pub fn detail_error(&self) -> Option<&serde_json::Error> {
        match &self.inner.detail {
            Some(Err(error)) => Some(error),
            _ => None,
        }
    }

    /// How many attempts were made (0 if the request was refused before any I/O).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The broken constraint, for [`ErrorKind::Validation`] errors from a check.
    pub fn constraint(&self) -> Option<&ConstraintError> {
        self.inner.constraint.as_ref()
    }

    /// How long the server asked to wait (`Retry-After`, seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.headers()?)
    }

    /// Whether sending the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::Timeout | ErrorKind::Connect | ErrorKind::Network => true,
            ErrorKind::RateLimited | ErrorKind::Server => true,
            _ => self.status().is_some_and(is_retryable_status),
        }
    }
}

impl From<ConstraintError> for Error {
    fn from(constraint: ConstraintError) -> Self {
        let mut error = Self::new(
            ErrorKind::Validation,
            format!("invalid argument: {constraint}"),
        );
        error.inner.constraint = Some(constraint);
        error
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.inner.operation {
            write!(f, "{operation}: ")?;
        }
        f.write_str(&self.inner.message)?;
        if self.inner.attempts > 1 {
            write!(f, " (after {} attempts)", self.inner.attempts)?;
        }
        Ok(())
    }
}

/// What `main` prints when it returns the error: the kind, where, the status and the
/// message (already bounded), not the headers or every envelope item (see the accessors).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut view = f.debug_struct("Error");
        view.field("kind", &inner.kind);
        if let Some(operation) = inner.operation {
            view.field("operation", &operation);
        }
        if let Some(status) = inner.status {
            view.field("status", &status.as_u16());
        }
        view.field("message", &inner.message);
        if inner.attempts > 1 {
            view.field("attempts", &inner.attempts);
        }
        view.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(io) = &self.inner.io {
            return Some(io);
        }
        self.inner.constraint.as_ref().map(|c| c as _)
    }
}

/// A local I/O failure (reading a file to upload, writing a downloaded value…), kind
/// [`ErrorKind::Io`], with the `io::Error` as its source.
impl From<std::io::Error> for Error {
    fn from(io: std::io::Error) -> Self {
        let mut error = Self::new(ErrorKind::Io, format!("I/O error: {io}"));
        error.inner.io = Some(io);
        error
    }
}

/// The kind an unsuccessful status maps to.
pub(crate) fn kind_for_status(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        300..=303 | 305..=399 => ErrorKind::Redirect,
        401 | 403 => ErrorKind::Auth,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Api,
    }
}

/// An error from the HTTP client, described by its whole cause chain (the top level alone,
/// "error sending request", says too little). The URL is stripped first: with a query-string
/// API key it would hold a credential.
pub(crate) fn from_transport(error: reqwest::Error) -> Error {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_connect() {
        ErrorKind::Connect
    } else if error.is_builder() {
        ErrorKind::Config
    } else {
        ErrorKind::Network
    };
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    let what = match kind {
        ErrorKind::Connect => "could not connect",
        ErrorKind::Timeout => "timed out",
        _ => "the connection failed",
    };
    Error::new(kind, format!("{what}: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_kind_operation_status_and_message_only() {
        let mut headers = HeaderMap::new();
        headers.insert("cf-ray", reqwest::header::HeaderValue::from_static("8a1b"));
        let error = Error::new(ErrorKind::Api, "HTTP 400 Bad Request: 10021 bad")
            .with_response(StatusCode::BAD_REQUEST, headers)
            .in_operation("update-value")
            .after_attempts(2);
        assert_eq!(
            format!("{error:?}"),
            r#"Error { kind: Api, operation: "update-value", status: 400, message: "HTTP 400 Bad Request: 10021 bad", attempts: 2 }"#
        );
        let plain = Error::config("no credentials");
        assert_eq!(
            format!("{plain:?}"),
            r#"Error { kind: Config, message: "no credentials" }"#
        );
    }

    #[test]
    fn io_errors_convert_with_their_source() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "value.bin is gone");
        let error = Error::from(io);
        assert_eq!(error.kind(), ErrorKind::Io);
        assert_eq!(error.to_string(), "I/O error: value.bin is gone");
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("value.bin is gone"));
    }

    #[test]
    fn redirect_statuses_have_their_own_kind() {
        for code in [301, 302, 303, 307, 308] {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            assert_eq!(kind_for_status(status), ErrorKind::Redirect, "{code}");
        }
        assert_eq!(kind_for_status(StatusCode::NOT_MODIFIED), ErrorKind::Api);
    }
}
