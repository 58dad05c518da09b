//! Client construction: explicit settings, then the environment, then defaults; every
//! mistake (no credentials, half of a pair, two schemes, plain http) is refused here,
//! before any request.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Url;

use crate::auth::{sensitive, Credentials};
use crate::error::{Error, ErrorKind};
use crate::retry::Backoff;
use crate::secret::Secret;
use crate::transport::{Core, Settings};

/// What a generated client tells the runtime about its API: the environment variables
/// [`ClientBuilder::from_env`] reads and the default `User-Agent`. kv-codegen implements it
/// for every `Client` it generates, so nothing here names one particular API.
pub trait ApiClient: From<Core> {
    /// The environment variables of this API (`<PREFIX>_API_TOKEN`, …).
    const ENV: EnvVars;
    /// The default `User-Agent`: the generated crate's `name/version`.
    const USER_AGENT: &'static str;
}

/// The environment variables a client reads in [`ClientBuilder::from_env`], all named
/// `<PREFIX>_…` after one prefix the generator chose (`x-kv-env-prefix`, or the title).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvVars {
    /// The API token (`<PREFIX>_API_TOKEN`).
    pub api_token: &'static str,
    /// The account email, paired with `api_key` (`<PREFIX>_EMAIL`).
    pub email: &'static str,
    /// The API key, paired with `email` (`<PREFIX>_API_KEY`).
    pub api_key: &'static str,
    /// The base URL (`<PREFIX>_BASE_URL`).
    pub base_url: &'static str,
    /// `(parameter, variable)` for each client-default path parameter
    /// (`account_id` → `<PREFIX>_ACCOUNT_ID`).
    pub path_defaults: &'static [(&'static str, &'static str)],
}

impl EnvVars {
    /// Every variable, in a fixed order.
    fn all(&self) -> impl Iterator<Item = &'static str> {
        let credentials = [self.api_token, self.email, self.api_key, self.base_url];
        credentials
            .into_iter()
            .chain(self.path_defaults.iter().map(|(_, var)| *var))
    }
}

/// A setting and where it came from, so errors can say which knob to turn.
#[derive(Clone)]
struct Setting<T> {
    value: T,
    origin: &'static str,
}

impl Setting<String> {
    /// The same setting, its value now kept as a secret.
    fn secret(self) -> Setting<Secret> {
        Setting {
            value: Secret::new(self.value),
            origin: self.origin,
        }
    }
}

impl<T> Setting<T> {
    fn builder(value: T, method: &'static str) -> Self {
        Self {
            value,
            origin: method,
        }
    }
}

/// Builds a client `C` (the generated `Client`). Start from `Client::builder()`.
///
/// Explicit settings win over [`from_env`](Self::from_env), which only fills what is unset.
pub struct ClientBuilder<C> {
    default_base_url: &'static str,
    base_url: Option<Setting<String>>,
    token: Option<Setting<Secret>>,
    email: Option<Setting<String>>,
    key: Option<Setting<Secret>>,
    path_defaults: Vec<(&'static str, Setting<String>)>,
    timeout: Duration,
    connect_timeout: Duration,
    retries: u32,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    validate_requests: bool,
    backoff: Backoff,
    client: PhantomData<fn() -> C>,
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with no credentials that sends to `default_base_url` unless told otherwise.
    pub fn new(default_base_url: &'static str) -> Self {
        Self {
            default_base_url,
            base_url: None,
            token: None,
            email: None,
            key: None,
            path_defaults: Vec::new(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retries: 2,
            user_agent: C::USER_AGENT.to_owned(),
            http_client: None,
            allow_insecure_http: false,
            validate_requests: true,
            backoff: Backoff::default(),
            client: PhantomData,
        }
    }

    /// Fills every setting not set explicitly from the environment variables of the API
    /// ([`ApiClient::ENV`]; for Cloudflare `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` +
    /// `CLOUDFLARE_API_KEY` (only if no credential was set explicitly), `CLOUDFLARE_BASE_URL`,
    /// and one variable per client-default parameter, e.g. `CLOUDFLARE_ACCOUNT_ID`). Empty
    /// variables count as unset; a variable that is not valid Unicode is an error.
    pub fn from_env(self) -> Result<Self, Error> {
        for name in C::ENV.all() {
            if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(name) {
                return Err(Error::config(format!("{name} is not valid Unicode")));
            }
        }
        self.from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `get` instead of the
    /// process environment (for tests, or settings kept elsewhere).
    pub fn from_env_with(mut self, get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let env = C::ENV;
        let read = |name: &'static str| {
            get(name).filter(|v| !v.is_empty()).map(|value| Setting {
                value,
                origin: name,
            })
        };
        let explicit_credentials =
            self.token.is_some() || self.email.is_some() || self.key.is_some();
        if !explicit_credentials {
            self.token = read(env.api_token).map(Setting::secret);
            self.email = read(env.email);
            self.key = read(env.api_key).map(Setting::secret);
        }
        self.base_url = self.base_url.or_else(|| read(env.base_url));
        for (param, var) in env.path_defaults {
            if !self.path_defaults.iter().any(|(name, _)| name == param) {
                if let Some(setting) = read(var) {
                    self.path_defaults.push((param, setting));
                }
            }
        }
        Ok(self)
    }

    /// Authenticates with an API token (`Authorization: Bearer …`).
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Setting::builder(
            Secret::new(token.into()),
            "ClientBuilder::api_token",
        ));
        self
    }

    /// Authenticates with an account email and its global API key
    /// (`X-Auth-Email` + `X-Auth-Key`).
    pub fn email_key(mut self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.email = Some(Setting::builder(email.into(), "ClientBuilder::email_key"));
        self.key = Some(Setting::builder(
            Secret::new(key.into()),
            "ClientBuilder::email_key",
        ));
        self
    }

    /// Sends to `base_url` instead of the specification's server.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(Setting::builder(base_url.into(), "ClientBuilder::base_url"));
        self
    }

    /// The value used for path parameter `name` when a call does not give one, for
    /// parameters the generator made client defaults (`x-kv-client-default`, or
    /// `kv-codegen --client-default NAME`). The generated `ClientBuilderExt` trait has one
    /// setter per such parameter (`.account_id(…)` for Cloudflare) that calls this.
    pub fn path_default(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.path_defaults.retain(|(n, _)| *n != name);
        let setting = Setting::builder(value.into(), "ClientBuilder::path_default");
        self.path_defaults.push((name, setting));
        self
    }

    /// How long each attempt may take, from connecting to the last byte of the answer
    /// (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times to retry after the first attempt (default 2; 0 never retries).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The `User-Agent` header (default [`ApiClient::USER_AGENT`]: the generated crate's
    /// `name/version`, e.g. `cloudflare-kv/0.1.0`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through this HTTP client (its pool, proxy and TLS settings) instead of one
    /// built here. Timeouts and retries still apply per attempt.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allows a plain `http://` base URL on a host that is not loopback. Credentials then
    /// travel unencrypted; off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Whether calls check their arguments against the specification's constraints before
    /// sending (default true). With false, the server is the judge.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// Retry waits: exponential from `base` (default 0.5 s), at most `cap` (default 8 s).
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff.base = base;
        self.backoff.cap = cap;
        self
    }

    /// The longest `Retry-After` that is waited out (default 60 s); a longer one ends the
    /// retries so the caller can decide.
    pub fn retry_after_cap(mut self, cap: Duration) -> Self {
        self.backoff.retry_after_cap = cap;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let credentials = credentials(self.token, self.email, self.key, &C::ENV)?;
        let allow_insecure = self.allow_insecure_http;
        let base_url = match &self.base_url {
            Some(setting) => check_base_url(&setting.value, setting.origin, allow_insecure)?,
            None => check_base_url(self.default_base_url, "the specification", allow_insecure)?,
        };
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::config(
                "the user agent contains characters that are not allowed in an HTTP header",
            )
        })?;
        let http = match self.http_client {
            Some(client) => client,
            None => http_client(self.connect_timeout)?,
        };
        let path_defaults = self
            .path_defaults
            .into_iter()
            .map(|(name, setting)| (name, setting.value))
            .collect();
        Ok(C::from(Core::new(Settings {
            http,
            base_url,
            credentials,
            path_defaults,
            path_default_vars: C::ENV.path_defaults,
            timeout: self.timeout,
            retries: self.retries,
            user_agent,
            validate_requests: self.validate_requests,
            backoff: self.backoff,
        })))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = |s: &Option<Setting<Secret>>| s.as_ref().map(|s| s.origin);
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &self
                    .base_url
                    .as_ref()
                    .map_or(self.default_base_url, |s| &s.value),
            )
            .field("api_token", &origin(&self.token).map(|_| "<redacted>"))
            .field("email", &self.email.as_ref().map(|s| &s.value))
            .field("api_key", &origin(&self.key).map(|_| "<redacted>"))
            .field(
                "path_defaults",
                &self
                    .path_defaults
                    .iter()
                    .map(|(name, s)| (*name, &s.value))
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

/// Exactly one complete scheme, or an error that says what is missing or doubled.
fn credentials(
    token: Option<Setting<Secret>>,
    email: Option<Setting<String>>,
    key: Option<Setting<Secret>>,
    env: &EnvVars,
) -> Result<Credentials, Error> {
    let (env_token, env_email, env_key) = (env.api_token, env.email, env.api_key);
    match (token, email, key) {
        (Some(token), None, None) => {
            non_empty(token.value.expose(), "API token", token.origin)?;
            sensitive(token.value.expose())?;
            Ok(Credentials::Token(token.value))
        }
        (None, Some(email), Some(key)) => {
            non_empty(&email.value, "email", email.origin)?;
            non_empty(key.value.expose(), "API key", key.origin)?;
            sensitive(&email.value)?;
            sensitive(key.value.expose())?;
            Ok(Credentials::EmailKey { email: email.value, key: key.value })
        }
        (Some(token), email, key) => {
            let other = email.map(|s| s.origin).or(key.map(|s| s.origin)).unwrap_or_default();
            Err(Error::config(format!(
                "two authentication schemes are configured, an API token ({}) and an email + API key ({other}); configure exactly one",
                token.origin
            )))
        }
        (None, Some(email), None) => Err(Error::config(format!(
            "an email is configured ({}) but no API key: set both (ClientBuilder::email_key, or {env_email} + {env_key})",
            email.origin
        ))),
        (None, None, Some(key)) => Err(Error::config(format!(
            "an API key is configured ({}) but no email: set both (ClientBuilder::email_key, or {env_email} + {env_key})",
            key.origin
        ))),
        (None, None, None) => Err(Error::config(format!(
            "no credentials: set an API token (ClientBuilder::api_token or {env_token}) or an email + API key (ClientBuilder::email_key or {env_email} + {env_key})"
        ))),
    }
}

fn non_empty(value: &str, what: &str, origin: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::config(format!("the {what} from {origin} is empty")));
    }
    Ok(())
}

/// The base URL without a trailing slash, after refusing anything that would leak
/// credentials (plain http to another host) or break path joining (a query or fragment).
fn check_base_url(raw: &str, origin: &str, allow_insecure: bool) -> Result<String, Error> {
    let url = Url::parse(raw).map_err(|e| {
        Error::config(format!(
            "the base URL {raw:?} from {origin} is not a valid URL: {e}"
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure || is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "refusing the plain http:// base URL {raw:?} from {origin}: credentials would travel unencrypted; use https://, a loopback host, or ClientBuilder::allow_insecure_http(true)"
            )))
        }
        other => return Err(Error::config(format!("the base URL {raw:?} from {origin} has scheme {other:?}; use https://"))),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL {raw:?} from {origin} must not have a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The default HTTP client: rustls, the connect timeout, and no redirects (an API answer
/// is never a redirect worth following with credentials and a body).
fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("could not build the HTTP client: {e}"),
            )
        })
}
