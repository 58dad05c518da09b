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
use crate::transport::{Core, Limits, Settings};

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
    /// No variables at all: [`ClientBuilder::from_env`] then reads nothing.
    pub const NONE: EnvVars = EnvVars {
        api_token: "",
        email: "",
        api_key: "",
        base_url: "",
        path_defaults: &[],
    };

    /// Every variable, in a fixed order (an empty name is no variable).
    fn all(&self) -> impl Iterator<Item = &'static str> {
        let credentials = [self.api_token, self.email, self.api_key, self.base_url];
        credentials
            .into_iter()
            .chain(self.path_defaults.iter().map(|(_, var)| *var))
            .filter(|name| !name.is_empty())
    }
}

/// A bare transport belongs to no API: it reads no environment variable and introduces
/// itself as the runtime. (Generated clients bring their own facts.)
impl ApiClient for Core {
    const ENV: EnvVars = EnvVars::NONE;
    const USER_AGENT: &'static str = concat!("kv-runtime/", env!("CARGO_PKG_VERSION"));
}

/// `{separator}A + B` naming the variables that can also be set, or nothing when the API
/// has none of them.
fn env_hint(separator: &str, vars: &[&str]) -> String {
    if vars.iter().any(|var| var.is_empty()) {
        return String::new();
    }
    format!("{separator}{}", vars.join(" + "))
}

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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
    connect_timeout: Option<Duration>,
    retries: u32,
    user_agent: String,
    http_client: Option<reqwest::ClientBuilder>,
    limits: Limits,
    deadline: Option<Duration>,
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
            connect_timeout: None,
            retries: 2,
            user_agent: C::USER_AGENT.to_owned(),
            http_client: None,
            limits: Limits::default(),
            deadline: None,
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
            let value = if name.is_empty() { None } else { get(name) };
            value.filter(|v| !v.is_empty()).map(|value| Setting {
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
}

/// The settings themselves, for any client type (a bare [`Core`] too).
impl<C> ClientBuilder<C> {
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
    /// (default 60 s). The whole call, retries included, is also bounded by the
    /// [`deadline`](Self::deadline).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (default 10 s). With
    /// [`http_client_builder`](Self::http_client_builder), applied only if set here.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long a whole call may take: every attempt, every backoff and every
    /// `Retry-After` wait (default 2 minutes, or the [`timeout`](Self::timeout) if that is
    /// longer, so that one attempt always gets its full time). An attempt is cut short when
    /// the deadline passes ([`ErrorKind::Timeout`]); a wait that would end after it is not
    /// started, and the last answer is returned instead. [`RequestOptions::deadline`]
    /// overrides it per call. Reading a streamed body after the call returned is the
    /// caller's and is not bounded by it.
    ///
    /// [`RequestOptions::deadline`]: crate::RequestOptions::deadline
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The most bytes read into memory from a successful answer (default 16 MiB), for
    /// every answer except `application/octet-stream` ones (see
    /// [`max_value_bytes`](Self::max_value_bytes)). A longer answer is an
    /// [`ErrorKind::ResponseTooLarge`] error and its read is stopped there (or not started,
    /// when its `Content-Length` already says so). An answer that is not a 2xx is read for
    /// its error envelope up to [`Core::MAX_ERROR_BODY_BYTES`] (1 MiB) whatever this says.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_response_bytes = bytes;
        self
    }

    /// The most bytes read into memory from a successful `application/octet-stream`
    /// answer, such as a value read without streaming it (default 26 MiB: the API's 25 MiB
    /// value limit plus 1 MiB of headroom). Past it, as for
    /// [`max_response_bytes`](Self::max_response_bytes). A body the caller streams is not
    /// buffered and not limited by this.
    pub fn max_value_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_value_bytes = bytes;
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

    /// Builds the HTTP client from this `reqwest` builder (its proxy, TLS roots, pool,
    /// local address…) instead of the default one.
    ///
    /// What the SDK still guarantees: it overrides the builder's redirect policy with
    /// [`Policy::none`](reqwest::redirect::Policy::none), so no request is ever sent
    /// anywhere but the base URL, with or without credentials and body (a 3xx answer is an
    /// [`ErrorKind::Redirect`] error naming only the origin it pointed to); with an
    /// `https://` base URL it also makes the client refuse any `http://` URL. Credentials
    /// go only into the requests the SDK builds for the base URL. Timeouts, the deadline,
    /// retries and the read limits apply as without it; the connect timeout only if set with
    /// [`connect_timeout`](Self::connect_timeout).
    ///
    /// What it cannot guarantee: whatever the builder itself sends. Default headers set on
    /// it go with every request, and a proxy configured on it sees every request (through
    /// an `https://` base URL, only the encrypted tunnel, unless you also trust the proxy's
    /// certificate).
    ///
    /// There is no way to pass a built `reqwest::Client`: a client that follows redirects
    /// has already sent the credentials and the body to the redirect's target by the time it
    /// returns the answer, so the SDK could not keep the promise above.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http_client = Some(builder);
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
}

impl<C: ApiClient> ClientBuilder<C> {
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
        let https = base_url.starts_with("https:");
        let http = http_client(self.http_client, self.connect_timeout, https)?;
        let limits = Limits {
            deadline: self
                .deadline
                .unwrap_or_else(|| self.timeout.max(Limits::DEFAULT_DEADLINE)),
            ..self.limits
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
            api: api_name(C::USER_AGENT),
            validate_requests: self.validate_requests,
            backoff: self.backoff,
            limits,
        })))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = |s: &Option<Setting<Secret>>| s.as_ref().map(|s| s.origin);
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &redact_userinfo(
                    self.base_url
                        .as_ref()
                        .map_or(self.default_base_url, |s| &s.value),
                ),
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
    let or_token = env_hint(" or ", &[env.api_token]);
    let or_pair = env_hint(" or ", &[env.email, env.api_key]);
    let comma_or_pair = env_hint(", or ", &[env.email, env.api_key]);
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
            "an email is configured ({}) but no API key: set both (ClientBuilder::email_key{comma_or_pair})",
            email.origin
        ))),
        (None, None, Some(key)) => Err(Error::config(format!(
            "an API key is configured ({}) but no email: set both (ClientBuilder::email_key{comma_or_pair})",
            key.origin
        ))),
        (None, None, None) => Err(Error::config(format!(
            "no credentials: set an API token (ClientBuilder::api_token{or_token}) or an email + API key (ClientBuilder::email_key{or_pair})"
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
/// credentials (a `user:password@` part, plain http to another host) or break path joining
/// (a query or fragment). No error echoes a password.
fn check_base_url(raw: &str, origin: &str, allow_insecure: bool) -> Result<String, Error> {
    let shown = redact_userinfo(raw);
    let url = Url::parse(raw).map_err(|e| {
        Error::config(format!(
            "the base URL {shown:?} from {origin} is not a valid URL: {e}"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "the base URL {shown:?} from {origin} has a user name or password in it; credentials go in ClientBuilder::api_token or ClientBuilder::email_key"
        )));
    }
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

/// `raw` with anything between the scheme and an `@` in the authority replaced by
/// `<redacted>`, done on the text so that it also works on a URL that does not parse.
fn redact_userinfo(raw: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme_end) = raw.find("://") else {
        return raw.into();
    };
    let authority_start = scheme_end + 3;
    let rest = raw.get(authority_start..).unwrap_or_default();
    let authority_len = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = rest.get(..authority_len).unwrap_or_default();
    match authority.rfind('@') {
        Some(at) => format!(
            "{}<redacted>{}",
            raw.get(..authority_start).unwrap_or_default(),
            raw.get(authority_start + at..).unwrap_or_default()
        )
        .into(),
        None => raw.into(),
    }
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

/// The HTTP client: the caller's builder or a fresh one, always with redirects off (a
/// followed redirect would carry the credentials and the body to whatever the `Location`
/// names), and refusing plain http when the base URL is https. The connect timeout is
/// ours by default, the caller's builder's unless set explicitly.
fn http_client(
    injected: Option<reqwest::ClientBuilder>,
    connect_timeout: Option<Duration>,
    https: bool,
) -> Result<reqwest::Client, Error> {
    let builder = match injected {
        Some(builder) => builder,
        None => reqwest::Client::builder()
            .connect_timeout(connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT)),
    };
    let builder = match connect_timeout {
        Some(timeout) => builder.connect_timeout(timeout),
        None => builder,
    };
    builder
        .redirect(reqwest::redirect::Policy::none())
        .https_only(https)
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("could not build the HTTP client: {e}"),
            )
        })
}

/// The product of a user agent (`cloudflare-kv/0.1.0` → `cloudflare-kv`): the name traces
/// give the API, so that two generated clients in one program are told apart.
fn api_name(user_agent: &'static str) -> &'static str {
    user_agent.split('/').next().unwrap_or(user_agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_core_reads_no_variable_and_names_none() {
        let builder = ClientBuilder::<Core>::new("https://api.example")
            .from_env_with(|name| Some(format!("value of {name}")))
            .unwrap();
        let error = builder.build().unwrap_err();
        assert_eq!(
            error.to_string(),
            "no credentials: set an API token (ClientBuilder::api_token) or an email + API key (ClientBuilder::email_key)"
        );
        let half = ClientBuilder::<Core>::new("https://api.example").email_key("e", "");
        let half = ClientBuilder::<Core> { key: None, ..half };
        assert_eq!(
            half.build().unwrap_err().to_string(),
            "an email is configured (ClientBuilder::email_key) but no API key: set both (ClientBuilder::email_key)"
        );
        assert_eq!(EnvVars::NONE.all().count(), 0);
        assert!(Core::USER_AGENT.starts_with("kv-runtime/"));
    }

    #[test]
    fn hints_name_variables_only_when_the_api_has_them() {
        assert_eq!(env_hint(" or ", &["A_TOKEN"]), " or A_TOKEN");
        assert_eq!(
            env_hint(", or ", &["A_EMAIL", "A_KEY"]),
            ", or A_EMAIL + A_KEY"
        );
        assert_eq!(env_hint(" or ", &["A_EMAIL", ""]), "");
    }

    #[test]
    fn user_info_is_redacted_even_in_urls_that_do_not_parse() {
        let cases = [
            ("https://user:pw@host/x", "https://<redacted>@host/x"),
            ("https://a:b@c@host:99?q", "https://<redacted>@host:99?q"),
            ("https://user:pw@", "https://<redacted>@"),
            ("https://host/p@th", "https://host/p@th"),
            ("no scheme:pw@host", "no scheme:pw@host"),
            ("https://host", "https://host"),
        ];
        for (raw, shown) in cases {
            assert_eq!(redact_userinfo(raw), shown, "{raw}");
        }
    }

    #[test]
    fn a_base_url_with_user_info_is_refused_without_echoing_it() {
        for raw in [
            "https://user:hunter2@api.example",
            "https://hunter2@api.example",
            "https://:hunter2@api.example",
        ] {
            let error = check_base_url(raw, "ClientBuilder::base_url", false)
                .err()
                .map(|e| e.to_string());
            assert_eq!(
                error.as_deref(),
                Some("the base URL \"https://<redacted>@api.example\" from ClientBuilder::base_url has a user name or password in it; credentials go in ClientBuilder::api_token or ClientBuilder::email_key")
            );
        }
        let broken = check_base_url("https://user:hunter2@[bad/", "CLOUDFLARE_BASE_URL", false);
        let text = broken.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            !text.contains("hunter2") && text.contains("<redacted>"),
            "{text}"
        );
    }

    fn limits_of(builder: ClientBuilder<Core>) -> String {
        let core = builder.api_token("t").build();
        let text = core.map(|c| format!("{c:?}")).unwrap_or_default();
        text.split("limits: ").nth(1).unwrap_or_default().to_owned()
    }

    #[test]
    fn the_default_deadline_leaves_one_attempt_its_whole_timeout() {
        let new = || ClientBuilder::<Core>::new("https://api.example");
        assert_eq!(
            limits_of(new()),
            "Limits { max_response_bytes: 16777216, max_value_bytes: 27262976, deadline: 120s }, .. }"
        );
        let slow = limits_of(new().timeout(Duration::from_secs(300)));
        assert!(slow.contains("deadline: 300s"), "{slow}");
        let set = limits_of(
            new()
                .timeout(Duration::from_secs(300))
                .deadline(Duration::from_secs(5)),
        );
        assert!(set.contains("deadline: 5s"), "{set}");
        let sized = limits_of(new().max_response_bytes(10).max_value_bytes(20));
        assert!(
            sized.starts_with("Limits { max_response_bytes: 10, max_value_bytes: 20,"),
            "{sized}"
        );
    }
}
