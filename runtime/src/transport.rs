//! Sending: authentication, URL, per-attempt timeout, the call's deadline, retries,
//! redirect refusal, bounded reads, tracing.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, LOCATION, USER_AGENT};
use reqwest::{StatusCode, Url};
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{self, Applied, Credentials};
use crate::encode::push_query_pair;
use crate::error::{from_transport, Error, ErrorKind};
use crate::raw::{RawResponse, Streamed, StreamedResponse};
use crate::request::Request;
use crate::retry::{next_delay, Backoff};

/// Everything a [`Core`] is made of; checked by the builder.
pub(crate) struct Settings {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) credentials: Credentials,
    pub(crate) path_defaults: Vec<(&'static str, String)>,
    /// `(parameter, environment variable)` of each client default, for error messages.
    pub(crate) path_default_vars: &'static [(&'static str, &'static str)],
    pub(crate) timeout: Duration,
    pub(crate) retries: u32,
    pub(crate) user_agent: HeaderValue,
    /// The API's name in traces: the generated client's package (its user agent's product).
    pub(crate) api: &'static str,
    pub(crate) validate_requests: bool,
    pub(crate) backoff: Backoff,
    pub(crate) limits: Limits,
}

/// Bounds on one call: the bytes read into memory from a successful answer, and the time
/// the whole call may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// For every buffered 2xx answer but `application/octet-stream` ones.
    pub(crate) max_response_bytes: usize,
    /// For buffered `application/octet-stream` 2xx answers (a value read whole).
    pub(crate) max_value_bytes: usize,
    /// For the whole call: attempts, backoff and `Retry-After` waits.
    pub(crate) deadline: Duration,
}

impl Limits {
    /// The deadline when neither the client nor the call sets one and the timeout is shorter.
    pub(crate) const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_response_bytes: 16 << 20,
            // The API's 25 MiB value limit, plus 1 MiB so that a value at the limit fits.
            max_value_bytes: 26 << 20,
            deadline: Self::DEFAULT_DEADLINE,
        }
    }
}

/// The transport generated clients send through. Cheap to clone: clones share one
/// connection pool and one configuration. `Debug` never shows a credential.
#[derive(Clone)]
pub struct Core {
    settings: Arc<Settings>,
}

impl Core {
    /// How much of an answer that is not a 2xx is read, for its error envelope (1 MiB).
    /// A longer body is cut and the rest left unread: [`send`](Self::send) then returns
    /// its first `MAX_ERROR_BODY_BYTES + 1` bytes, so that a body longer than this says it
    /// was cut, and the decoders' error says so too.
    pub const MAX_ERROR_BODY_BYTES: usize = crate::raw::MAX_ERROR_BODY_BYTES;

    pub(crate) fn new(settings: Settings) -> Self {
        Self {
            settings: Arc::new(settings),
        }
    }

    /// The value of path parameter `name`: `explicit` if given, else the client's default
    /// for it, else a [`ErrorKind::Config`] error naming it and how to set it.
    pub fn path_default<'a>(
        &'a self,
        name: &'static str,
        explicit: Option<&'a str>,
    ) -> Result<&'a str, Error> {
        if let Some(value) = explicit {
            return Ok(value);
        }
        let default = self.settings.path_defaults.iter().find(|(n, _)| *n == name);
        if let Some((_, value)) = default {
            return Ok(value);
        }
        let var = self
            .settings
            .path_default_vars
            .iter()
            .find(|(n, _)| *n == name);
        let or_env = var.map_or(String::new(), |(_, var)| format!(" or {var}"));
        Err(Error::config(format!(
            "{name} is required: pass it in the call's parameters, or set a default with ClientBuilder::path_default(\"{name}\", …){or_env}"
        )))
    }

    /// Whether calls check their arguments before sending.
    pub fn validates(&self) -> bool {
        self.settings.validate_requests
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    /// Sends `request`, retrying what is safe to retry, and returns the last answer
    /// whatever its status (the decoders turn statuses into errors), except a redirect,
    /// which is never followed and is an [`ErrorKind::Redirect`] error.
    ///
    /// The body is read into memory within limits: a 2xx body up to
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)
    /// (16 MiB), or [`max_value_bytes`](crate::ClientBuilder::max_value_bytes) (26 MiB)
    /// for `application/octet-stream` (past it, [`ErrorKind::ResponseTooLarge`]); any other
    /// body up to [`MAX_ERROR_BODY_BYTES`](Self::MAX_ERROR_BODY_BYTES), cut there. The
    /// whole call, retries included, ends by its deadline
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).
    pub async fn send(&self, request: Request) -> Result<RawResponse, Error> {
        match self.send_in(request, Read::Whole).await? {
            Answer::Read(raw) => Ok(raw),
            // `Read::Whole` reads every body; an open one cannot come back.
            Answer::Open(open) => Ok(open.into_raw_unread()),
        }
    }

    /// Sends `request` like [`send`](Self::send), but leaves the body of a 2xx answer
    /// unread for the caller to stream ([`Streamed::Open`]); any other answer is read
    /// whole ([`Streamed::Read`]) so that its error envelope can be decoded. The open body
    /// is not limited in size, nor in time once this returns: the caller streams it.
    pub async fn send_streaming(&self, request: Request) -> Result<Streamed, Error> {
        match self.send_in(request, Read::UnlessSuccess).await? {
            Answer::Read(raw) => Ok(Streamed::Read(raw)),
            Answer::Open(open) => Ok(Streamed::Open(open)),
        }
    }

    async fn send_in(&self, request: Request, read: Read) -> Result<Answer, Error> {
        let span = tracing::debug_span!(
            "request",
            api = %self.settings.api,
            operation = request.operation,
            method = %request.method
        );
        let operation = request.operation;
        self.send_traced(request, read)
            .instrument(span)
            .await
            .map_err(|e| e.in_operation(operation))
    }

    async fn send_traced(&self, request: Request, read: Read) -> Result<Answer, Error> {
        let prepared = self.prepare(&request)?;
        let options = &request.options;
        let retries = options.retries.unwrap_or(self.settings.retries);
        let timeout = options.timeout.unwrap_or(self.settings.timeout);
        let deadline = Deadline::start(options.deadline.unwrap_or(self.settings.limits.deadline));
        let mut attempt = 1;
        loop {
            tracing::debug!(attempt, path = %request.path, "sending");
            let budget = deadline.budget(timeout);
            let outcome = match self.attempt(&request, &prepared, budget, read).await {
                Ok(Answer::Open(open)) => return Ok(Answer::Open(open.after_attempts(attempt))),
                Ok(Answer::Read(raw)) => Ok(raw),
                Err(error) => Err(error),
            };
            let backoff = &self.settings.backoff;
            let delay = next_delay(&outcome, request.idempotent, attempt, retries, backoff);
            // A wait that would outlast the deadline is not started: the last answer is
            // more use to the caller than an attempt with no time left.
            let Some(delay) = delay.filter(|delay| deadline.allows(*delay)) else {
                return finish(outcome, request.operation, attempt).map(Answer::Read);
            };
            if !request.body.is_replayable() {
                return Err(not_replayable(&outcome).after_attempts(attempt));
            }
            tracing::debug!(
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The URL and headers, computed once for all attempts.
    fn prepare(&self, request: &Request) -> Result<Prepared, Error> {
        let applied = auth::apply(
            &self.settings.credentials,
            request.operation,
            request.security,
        )?;
        refuse_dot_segments(&request.path)?;
        let url = self.url(request, &applied)?;
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.settings.user_agent.clone());
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("{name:?} is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::new(
                    ErrorKind::Validation,
                    format!("header {name} has characters not allowed in HTTP headers"),
                )
            })?;
            headers.append(name, value);
        }
        for (name, value) in applied.headers {
            headers.append(name, value);
        }
        Ok(Prepared { url, headers })
    }

    fn url(&self, request: &Request, applied: &Applied) -> Result<Url, Error> {
        let mut query = String::new();
        for (name, value) in &request.query {
            push_query_pair(&mut query, name, value);
        }
        for (name, secret) in &applied.query {
            push_query_pair(&mut query, name, secret.expose());
        }
        let mut text = format!("{}{}", self.settings.base_url, request.path);
        if !query.is_empty() {
            text.push('?');
            text.push_str(&query);
        }
        // The text may hold a query-string credential, so the error does not echo it.
        Url::parse(&text).map_err(|e| {
            Error::config(format!(
                "could not build a URL for path {:?}: {e}",
                request.path
            ))
        })
    }

    /// One attempt within `budget` (an open body is the caller's to read, after this
    /// returns).
    async fn attempt(
        &self,
        request: &Request,
        prepared: &Prepared,
        budget: Budget,
        read: Read,
    ) -> Result<Answer, Error> {
        match tokio::time::timeout(budget.time, self.exchange(request, prepared, read)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(budget.expired()),
        }
    }

    /// A fresh body sent, a redirect refused, and the answer read as `read` says.
    async fn exchange(
        &self,
        request: &Request,
        prepared: &Prepared,
        read: Read,
    ) -> Result<Answer, Error> {
        let builder = self
            .settings
            .http
            .request(request.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone());
        let response = request
            .body
            .apply(builder)
            .await?
            .send()
            .await
            .map_err(from_transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        if is_redirect(status) {
            return Err(refused_redirect(&prepared.url, status, headers));
        }
        let operation = request.operation;
        if read == Read::UnlessSuccess && status.is_success() {
            tracing::debug!(
                status = status.as_u16(),
                "answered; body left to the caller"
            );
            let body = response;
            return Ok(Answer::Open(StreamedResponse {
                status,
                headers,
                operation,
                attempts: 1,
                body,
            }));
        }
        let body = read_body(response, &self.settings.limits, &headers).await?;
        tracing::debug!(status = status.as_u16(), bytes = body.len(), "answered");
        let attempts = 1;
        Ok(Answer::Read(RawResponse {
            status,
            headers,
            body,
            operation,
            attempts,
        }))
    }
}

/// When the call must be over, and what it was set to (for the error).
#[derive(Clone, Copy)]
struct Deadline {
    /// `None` when the limit is too far away to be represented: no deadline.
    at: Option<Instant>,
    limit: Duration,
}

impl Deadline {
    fn start(limit: Duration) -> Self {
        Self {
            at: Instant::now().checked_add(limit),
            limit,
        }
    }

    fn remaining(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether a wait of `delay` ends before the deadline.
    fn allows(&self, delay: Duration) -> bool {
        self.remaining().is_none_or(|remaining| delay < remaining)
    }

    /// The time the next attempt gets: its timeout, or what is left of the call if less.
    fn budget(&self, timeout: Duration) -> Budget {
        match self.remaining() {
            Some(remaining) if remaining < timeout => Budget {
                time: remaining,
                deadline: Some(self.limit),
            },
            _ => Budget {
                time: timeout,
                deadline: None,
            },
        }
    }
}

/// The time one attempt may take; `deadline` is set when the call's deadline, not the
/// attempt's timeout, is what limits it.
#[derive(Clone, Copy)]
struct Budget {
    time: Duration,
    deadline: Option<Duration>,
}

impl Budget {
    fn expired(&self) -> Error {
        let text = match self.deadline {
            Some(limit) => format!("timed out: the call's deadline of {limit:?} passed"),
            None => format!("timed out after {:?}", self.time),
        };
        Error::new(ErrorKind::Timeout, text)
    }
}

/// A 3xx that asks to go elsewhere (not 304 Not Modified, which is an answer).
fn is_redirect(status: StatusCode) -> bool {
    status.is_redirection() && status != StatusCode::NOT_MODIFIED
}

/// The error for a redirect, which the HTTP client never follows: following it would send
/// the credentials and the body where `Location` says. The error names only the target's
/// origin (its path or query may hold a token) and keeps the headers without `Location`.
fn refused_redirect(url: &Url, status: StatusCode, mut headers: HeaderMap) -> Error {
    let location = headers
        .get(LOCATION)
        .map(|v| v.to_str().map(|l| url.join(l)));
    let whither = match location {
        None => "without a Location".to_owned(),
        Some(Err(_) | Ok(Err(_))) => "to a Location that is not a valid URL".to_owned(),
        Some(Ok(Ok(target))) if target.origin() == url.origin() => {
            "elsewhere on the same origin".to_owned()
        }
        Some(Ok(Ok(target))) if target.origin().is_tuple() => {
            format!("to {}", target.origin().ascii_serialization())
        }
        Some(Ok(Ok(target))) => format!("to a {}: URL", target.scheme()),
    };
    headers.remove(LOCATION);
    let text = format!(
        "HTTP {status}: the server redirected {whither}; redirects are never followed, so nothing was sent there"
    );
    Error::new(ErrorKind::Redirect, text).with_response(status, headers)
}

/// Reads a body into memory within its limit. A 2xx body past the limit for its media
/// type is an error, its read stopped there (or never started, if `Content-Length` tells);
/// any other body is read up to [`Core::MAX_ERROR_BODY_BYTES`] plus one byte that marks
/// it as cut, and the rest left unread.
async fn read_body(
    response: reqwest::Response,
    limits: &Limits,
    headers: &HeaderMap,
) -> Result<Bytes, Error> {
    let status = response.status();
    if !status.is_success() {
        return read_at_most(response, Core::MAX_ERROR_BODY_BYTES.saturating_add(1)).await;
    }
    let (limit, setting) = if is_octet_stream(headers) {
        (limits.max_value_bytes, "max_value_bytes")
    } else {
        (limits.max_response_bytes, "max_response_bytes")
    };
    let too_large = |what: String| {
        let text = format!("HTTP {status}: the answer is larger than the {limit}-byte limit for answers read into memory (ClientBuilder::{setting}); {what}");
        Error::new(ErrorKind::ResponseTooLarge, text).with_response(status, headers.clone())
    };
    if let Some(announced) = response.content_length() {
        if announced > u64::try_from(limit).unwrap_or(u64::MAX) {
            return Err(too_large(format!(
                "it announced {announced} bytes, so none were read"
            )));
        }
    }
    let body = read_at_most(response, limit.saturating_add(1)).await?;
    if body.len() > limit {
        return Err(too_large(format!(
            "the read stopped after {} bytes",
            body.len()
        )));
    }
    Ok(body)
}

/// The body's first `limit` bytes (all of it if shorter), read chunk by chunk so that
/// nothing past `limit` is ever held; the connection is dropped with the rest unread.
async fn read_at_most(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    let announced = response.content_length().unwrap_or(0);
    let mut body = Vec::new();
    body.reserve_exact(usize::try_from(announced).unwrap_or(limit).min(limit));
    while body.len() < limit {
        let Some(chunk) = response.chunk().await.map_err(from_transport)? else {
            break;
        };
        let room = limit - body.len();
        let take = chunk.get(..room).unwrap_or(&chunk);
        grow(&mut body, take.len(), limit);
        body.extend_from_slice(take);
    }
    Ok(Bytes::from(body))
}

/// Makes room for `more` bytes, doubling like `Vec` but never past `limit`, and going
/// straight to `limit` once past its half, so that the last growth never holds an old
/// buffer of nearly `limit` beside a new one (the peak stays within 1.5 × `limit`).
fn grow(body: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = body.len().saturating_add(more);
    if needed <= body.capacity() {
        return;
    }
    let doubled = body.capacity().saturating_mul(2).max(needed);
    let target = if doubled > limit / 2 { limit } else { doubled };
    body.reserve_exact(target.max(needed).saturating_sub(body.len()));
}

fn is_octet_stream(headers: &HeaderMap) -> bool {
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default();
    media_type
        .trim()
        .eq_ignore_ascii_case("application/octet-stream")
}

struct Prepared {
    url: Url,
    headers: HeaderMap,
}

/// How much of an answer an attempt reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Read {
    /// The whole body, whatever the status.
    Whole,
    /// Nothing of a 2xx body (the caller streams it); the whole body of any other.
    UnlessSuccess,
}

enum Answer {
    Read(RawResponse),
    Open(StreamedResponse),
}

fn finish(
    outcome: Result<RawResponse, Error>,
    operation: &'static str,
    attempts: u32,
) -> Result<RawResponse, Error> {
    match outcome {
        Ok(mut raw) => {
            raw.operation = operation;
            raw.attempts = attempts;
            Ok(raw)
        }
        Err(error) => Err(error.after_attempts(attempts)),
    }
}

/// The error for a retry that cannot resend its body, saying what it was retrying.
fn not_replayable(outcome: &Result<RawResponse, Error>) -> Error {
    let reason = match outcome {
        Ok(raw) => format!("HTTP {}", raw.status),
        Err(error) => error.to_string(),
    };
    let text = format!(
        "cannot retry after {reason}: the body came from a one-shot reader (Binary::from_reader) that was already sent"
    );
    let error = Error::new(ErrorKind::BodyNotReplayable, text);
    match outcome {
        Ok(raw) => error.with_response(raw.status, raw.headers.clone()),
        Err(_) => error,
    }
}

/// URL parsing removes `.` and `..` segments (also when written `%2E`), which would send
/// the request to another resource; refuse them even when validation is off.
fn refuse_dot_segments(path: &str) -> Result<(), Error> {
    for segment in path.split('/') {
        let decoded = percent_encoding::percent_decode_str(segment).collect::<Vec<u8>>();
        if decoded == b"." || decoded == b".." {
            return Err(Error::new(
                ErrorKind::Validation,
                format!("the path {path:?} has a {segment:?} segment, which URLs cannot carry"),
            ));
        }
    }
    Ok(())
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.settings;
        f.debug_struct("Core")
            .field("base_url", &s.base_url)
            .field("credentials", &s.credentials)
            .field("path_defaults", &s.path_defaults)
            .field("timeout", &s.timeout)
            .field("retries", &s.retries)
            .field("validate_requests", &s.validate_requests)
            .field("limits", &s.limits)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_never_passes_the_limit_and_ends_in_one_step() {
        for limit in [1, 1000, (1 << 20) + 1, (16 << 20) + 1] {
            let mut body = Vec::new();
            let mut capacities = Vec::new();
            while body.len() < limit {
                let take = (limit - body.len()).min(16 * 1024);
                grow(&mut body, take, limit);
                body.resize(body.len() + take, 0);
                if capacities.last() != Some(&body.capacity()) {
                    capacities.push(body.capacity());
                }
            }
            assert_eq!(body.capacity(), limit, "{capacities:?}");
            let before_last = capacities.iter().rev().nth(1).copied().unwrap_or(0);
            assert!(before_last <= limit / 2 + 1, "{limit}: {capacities:?}");
        }
    }

    #[test]
    fn only_3xx_that_point_elsewhere_are_redirects() {
        for code in [300, 301, 302, 303, 305, 307, 308, 399] {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            assert!(is_redirect(status), "{code}");
        }
        for code in [200, 204, 304, 400, 500] {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::MOVED_PERMANENTLY);
            assert!(!is_redirect(status), "{code}");
        }
    }

    #[test]
    fn octet_stream_is_recognised_with_parameters_and_any_case() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            is_octet_stream(&headers)
        };
        assert!(with("application/octet-stream"));
        assert!(with("Application/Octet-Stream; charset=binary"));
        assert!(!with("application/json"));
        assert!(!is_octet_stream(&HeaderMap::new()));
    }
}
