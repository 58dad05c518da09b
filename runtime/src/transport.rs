//! Sending: authentication, URL, per-attempt timeout, retries, tracing.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Url};
use tracing::Instrument;

use crate::auth::{self, Applied, Credentials};
use crate::encode::push_query_pair;
use crate::error::{from_transport, Error, ErrorKind};
use crate::request::Request;
use crate::response::RawResponse;
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
    pub(crate) validate_requests: bool,
    pub(crate) backoff: Backoff,
}

/// The transport generated clients send through. Cheap to clone: clones share one
/// connection pool and one configuration. `Debug` never shows a credential.
#[derive(Clone)]
pub struct Core {
    settings: Arc<Settings>,
}

impl Core {
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
    /// whatever its status (the decoders turn statuses into errors).
    pub async fn send(&self, request: Request) -> Result<RawResponse, Error> {
        match self.send_in(request, Read::Whole).await? {
            Answer::Read(raw) => Ok(raw),
            // `Read::Whole` reads every body; an open one cannot come back.
            Answer::Open(open) => Ok(open.into_raw_unread()),
        }
    }

    /// Sends `request` like [`send`](Self::send), but leaves the body of a 2xx answer
    /// unread for the caller to stream ([`Streamed::Open`]); any other answer is read
    /// whole ([`Streamed::Read`]) so that its error envelope can be decoded.
    pub async fn send_streaming(&self, request: Request) -> Result<Streamed, Error> {
        match self.send_in(request, Read::UnlessSuccess).await? {
            Answer::Read(raw) => Ok(Streamed::Read(raw)),
            Answer::Open(open) => Ok(Streamed::Open(open)),
        }
    }

    async fn send_in(&self, request: Request, read: Read) -> Result<Answer, Error> {
        let span = tracing::debug_span!("cloudflare_kv", operation = request.operation, method = %request.method);
        let operation = request.operation;
        self.send_traced(request, read)
            .instrument(span)
            .await
            .map_err(|e| e.in_operation(operation))
    }

    async fn send_traced(&self, request: Request, read: Read) -> Result<Answer, Error> {
        let prepared = self.prepare(&request)?;
        let retries = request.options.retries.unwrap_or(self.settings.retries);
        let timeout = request.options.timeout.unwrap_or(self.settings.timeout);
        let mut attempt = 1;
        loop {
            tracing::debug!(attempt, path = %request.path, "sending");
            let outcome = match self.attempt(&request, &prepared, timeout, read).await {
                Ok(Answer::Open(open)) => return Ok(Answer::Open(open.after_attempts(attempt))),
                Ok(Answer::Read(raw)) => Ok(raw),
                Err(error) => Err(error),
            };
            let backoff = &self.settings.backoff;
            let delay = next_delay(&outcome, request.idempotent, attempt, retries, backoff);
            let Some(delay) = delay else {
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

    /// One attempt: a fresh body, the answer read as `read` says, all within `timeout`
    /// (an open body is the caller's to read, after this returns).
    async fn attempt(
        &self,
        request: &Request,
        prepared: &Prepared,
        timeout: Duration,
        read: Read,
    ) -> Result<Answer, Error> {
        let exchange = async {
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
            if read == Read::UnlessSuccess && status.is_success() {
                tracing::debug!(
                    status = status.as_u16(),
                    "answered; body left to the caller"
                );
                return Ok(Answer::Open(StreamedResponse {
                    status,
                    headers,
                    operation: request.operation,
                    attempts: 1,
                    body: response,
                }));
            }
            let body = response.bytes().await.map_err(from_transport)?;
            tracing::debug!(status = status.as_u16(), bytes = body.len(), "answered");
            Ok(Answer::Read(RawResponse {
                status,
                headers,
                body,
                operation: request.operation,
                attempts: 1,
            }))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!("timed out after {timeout:?}"),
            )),
        }
    }
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

/// What [`Core::send_streaming`] returns.
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
    body: reqwest::Response,
}

impl StreamedResponse {
    fn after_attempts(mut self, attempts: u32) -> Self {
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
    fn into_raw_unread(self) -> RawResponse {
        RawResponse {
            status: self.status,
            headers: self.headers,
            body: Bytes::new(),
            operation: self.operation,
            attempts: self.attempts,
        }
    }
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
            .finish_non_exhaustive()
    }
}
