//! Sending: authentication, URL, per-attempt timeout, retries, tracing.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::Url;
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
    /// for it (today only `account_id`), else a [`ErrorKind::Config`] error naming it.
    pub fn path_default<'a>(
        &'a self,
        name: &'static str,
        explicit: Option<&'a str>,
    ) -> Result<&'a str, Error> {
        if let Some(value) = explicit {
            return Ok(value);
        }
        let default = self.settings.path_defaults.iter().find(|(n, _)| *n == name);
        match default {
            Some((_, value)) => Ok(value),
            None if name == "account_id" => Err(Error::config(
                "account_id is required: pass it in the call's parameters, or set a default with ClientBuilder::account_id or CLOUDFLARE_ACCOUNT_ID",
            )),
            None => Err(Error::config(format!(
                "{name} is required: pass it in the call's parameters, or set a default with ClientBuilder::path_default(\"{name}\", …)"
            ))),
        }
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
        let span = tracing::debug_span!("cloudflare_kv", operation = request.operation, method = %request.method);
        let operation = request.operation;
        self.send_traced(request)
            .instrument(span)
            .await
            .map_err(|e| e.in_operation(operation))
    }

    async fn send_traced(&self, request: Request) -> Result<RawResponse, Error> {
        let prepared = self.prepare(&request)?;
        let retries = request.options.retries.unwrap_or(self.settings.retries);
        let timeout = request.options.timeout.unwrap_or(self.settings.timeout);
        let mut attempt = 1;
        loop {
            tracing::debug!(attempt, path = %request.path, "sending");
            let outcome = self.attempt(&request, &prepared, timeout).await;
            let Some(delay) = next_delay(&outcome, attempt, retries, &self.settings.backoff) else {
                return finish(outcome, request.operation, attempt);
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

    /// One attempt: a fresh body, the whole answer read, all within `timeout`.
    async fn attempt(
        &self,
        request: &Request,
        prepared: &Prepared,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
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
            let body = response.bytes().await.map_err(from_transport)?;
            tracing::debug!(status = status.as_u16(), bytes = body.len(), "answered");
            Ok(RawResponse {
                status,
                headers,
                body,
                operation: request.operation,
                attempts: 1,
            })
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
