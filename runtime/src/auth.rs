//! Authentication: which of an operation's security alternatives the configured
//! credentials satisfy, and how that one alternative goes on the wire.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, COOKIE};

use crate::error::Error;
use crate::secret::Secret;

/// One security scheme of an operation, as generated from the specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `Authorization: Bearer <token>`; satisfied by an API token.
    Bearer,
    /// HTTP basic authentication; no credential the client holds satisfies it today.
    Basic,
    /// An API key in the named header.
    ApiKeyHeader(&'static str),
    /// An API key in the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key in the named cookie.
    ApiKeyCookie(&'static str),
}

/// The header names under which Cloudflare expects an email and a global API key.
const EMAIL_NAME: &str = "X-Auth-Email";
const KEY_NAME: &str = "X-Auth-Key";

/// The credentials a client holds: exactly one scheme, checked when the client is built.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// An API token.
    Token(Secret),
    /// An account email and its global API key.
    EmailKey { email: String, key: Secret },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(token) => f.debug_tuple("Token").field(token).finish(),
            Self::EmailKey { email, key } => f
                .debug_struct("EmailKey")
                .field("email", email)
                .field("key", key)
                .finish(),
        }
    }
}

impl Credentials {
    /// The credential that satisfies `scheme`, if this client holds one.
    fn value_for(&self, scheme: Scheme) -> Option<&str> {
        match (self, scheme) {
            (Self::Token(token), Scheme::Bearer) => Some(token.expose()),
            (
                Self::EmailKey { email, key },
                Scheme::ApiKeyHeader(name) | Scheme::ApiKeyQuery(name) | Scheme::ApiKeyCookie(name),
            ) => {
                if name.eq_ignore_ascii_case(EMAIL_NAME) {
                    Some(email)
                } else if name.eq_ignore_ascii_case(KEY_NAME) {
                    Some(key.expose())
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// The credentials of one request, ready to go on the wire.
#[derive(Default)]
pub(crate) struct Applied {
    /// Headers, each value marked sensitive so the HTTP stack never prints it.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Query parameters (only for `ApiKeyQuery` schemes).
    pub(crate) query: Vec<(&'static str, Secret)>,
}

/// Picks the first alternative of `security` that `credentials` satisfy and renders it.
/// An empty `security` means the operation needs no authentication.
pub(crate) fn apply(
    credentials: &Credentials,
    operation: &'static str,
    security: &[&[Scheme]],
) -> Result<Applied, Error> {
    if security.is_empty() {
        return Ok(Applied::default());
    }
    let chosen = security.iter().find(|alternative| {
        alternative
            .iter()
            .all(|s| credentials.value_for(*s).is_some())
    });
    match chosen {
        Some(alternative) => render(credentials, alternative),
        None => Err(Error::config(format!(
            "the configured credentials fit none of this operation's security schemes (it accepts {})",
            describe(security)
        ))
        .in_operation(operation)),
    }
}

fn render(credentials: &Credentials, alternative: &[Scheme]) -> Result<Applied, Error> {
    let mut applied = Applied::default();
    let mut cookies = Vec::new();
    for scheme in alternative {
        let Some(value) = credentials.value_for(*scheme) else {
            continue;
        };
        match scheme {
            Scheme::Bearer => applied
                .headers
                .push((AUTHORIZATION, sensitive(&format!("Bearer {value}"))?)),
            Scheme::ApiKeyHeader(name) => applied
                .headers
                .push((header_name(name)?, sensitive(value)?)),
            Scheme::ApiKeyQuery(name) => applied.query.push((name, Secret::new(value.to_owned()))),
            Scheme::ApiKeyCookie(name) => cookies.push(format!("{name}={value}")),
            Scheme::Basic => {}
        }
    }
    if !cookies.is_empty() {
        applied
            .headers
            .push((COOKIE, sensitive(&cookies.join("; "))?));
    }
    Ok(applied)
}

/// A header value marked sensitive. The error never echoes the value.
pub(crate) fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::config("a credential contains characters that are not allowed in an HTTP header")
    })?;
    header.set_sensitive(true);
    Ok(header)
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::config(format!(
            "{name:?} is not a valid header name for a security scheme"
        ))
    })
}

/// `Bearer token, or X-Auth-Email + X-Auth-Key headers`.
fn describe(security: &[&[Scheme]]) -> String {
    let alternatives: Vec<String> = security
        .iter()
        .map(|alternative| {
            let schemes: Vec<String> = alternative.iter().map(|s| describe_scheme(*s)).collect();
            schemes.join(" + ")
        })
        .collect();
    alternatives.join(", or ")
}

fn describe_scheme(scheme: Scheme) -> String {
    match scheme {
        Scheme::Bearer => "a bearer token".to_owned(),
        Scheme::Basic => "HTTP basic authentication".to_owned(),
        Scheme::ApiKeyHeader(name) => format!("header {name}"),
        Scheme::ApiKeyQuery(name) => format!("query parameter {name}"),
        Scheme::ApiKeyCookie(name) => format!("cookie {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUDFLARE: &[&[Scheme]] = &[
        &[Scheme::Bearer],
        &[
            Scheme::ApiKeyHeader("X-Auth-Email"),
            Scheme::ApiKeyHeader("X-Auth-Key"),
        ],
    ];

    fn names(applied: &Applied) -> Vec<&str> {
        applied.headers.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn a_token_picks_bearer_only() {
        let token = Credentials::Token(Secret::new("t".into()));
        let applied = apply(&token, "op", CLOUDFLARE).ok();
        assert_eq!(applied.as_ref().map(names), Some(vec!["authorization"]));
        let value = applied
            .and_then(|a| a.headers.into_iter().next())
            .map(|(_, v)| v);
        assert_eq!(value.as_ref().map(HeaderValue::is_sensitive), Some(true));
        assert_eq!(
            value
                .and_then(|v| v.to_str().ok().map(str::to_owned))
                .as_deref(),
            Some("Bearer t")
        );
    }

    #[test]
    fn email_and_key_pick_both_headers() {
        let pair = Credentials::EmailKey {
            email: "e@x".into(),
            key: Secret::new("k".into()),
        };
        let applied = apply(&pair, "op", CLOUDFLARE).ok();
        assert_eq!(
            applied.as_ref().map(names),
            Some(vec!["x-auth-email", "x-auth-key"])
        );
    }

    #[test]
    fn no_fitting_alternative_is_a_clear_error() {
        let token = Credentials::Token(Secret::new("t".into()));
        let only_keys: &[&[Scheme]] = &[&[
            Scheme::ApiKeyHeader("X-Auth-Email"),
            Scheme::ApiKeyHeader("X-Auth-Key"),
        ]];
        let error = apply(&token, "update-value", only_keys)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("update-value: the configured credentials fit none of this operation's security schemes (it accepts header X-Auth-Email + header X-Auth-Key)")
        );
        assert!(apply(&token, "op", &[]).is_ok_and(|a| a.headers.is_empty()));
    }

    #[test]
    fn debug_redacts_secrets() {
        let pair = Credentials::EmailKey {
            email: "e@x".into(),
            key: Secret::new("hunter2".into()),
        };
        assert_eq!(
            format!("{pair:?}"),
            r#"EmailKey { email: "e@x", key: <redacted> }"#
        );
    }
}
