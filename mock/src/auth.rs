//! Which credentials the mock accepts, and checking a request's.

use http::HeaderMap;

use crate::error::ApiError;

/// The token accepted by default.
pub const DEFAULT_TOKEN: &str = "mock-token";
/// The `X-Auth-Email` accepted by default.
pub const DEFAULT_EMAIL: &str = "user@example.com";
/// The `X-Auth-Key` accepted by default.
pub const DEFAULT_KEY: &str = "mock-key";

/// The credentials a server accepts: one API token and one email/key pair.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    /// Accepted in `Authorization: Bearer <token>`.
    pub token: String,
    /// Accepted in `X-Auth-Email`, together with `key`.
    pub email: String,
    /// Accepted in `X-Auth-Key`, together with `email`.
    pub key: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.to_owned(),
            email: DEFAULT_EMAIL.to_owned(),
            key: DEFAULT_KEY.to_owned(),
        }
    }
}

// Written by hand so secrets never show up in a `{:?}` of the server's state.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").finish_non_exhaustive()
    }
}

impl Credentials {
    /// Checks a request's headers: exactly one scheme, with accepted values.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let bearer = headers.get(http::header::AUTHORIZATION);
        let email = headers.get("x-auth-email");
        let key = headers.get("x-auth-key");
        match (bearer, email, key) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ApiError::TwoAuthSchemes),
            (Some(value), None, None) => self.check_bearer(value.as_bytes()),
            (None, Some(email), Some(key)) => self.check_key(email.as_bytes(), key.as_bytes()),
            _ => Err(ApiError::MissingCredentials),
        }
    }

    /// `Authorization` must be exactly `Bearer <token>`.
    fn check_bearer(&self, value: &[u8]) -> Result<(), ApiError> {
        match value.strip_prefix(b"Bearer ") {
            Some(token) if token == self.token.as_bytes() => Ok(()),
            _ => Err(ApiError::BadCredentials),
        }
    }

    /// Both the email and the key must match.
    fn check_key(&self, email: &[u8], key: &[u8]) -> Result<(), ApiError> {
        if email == self.email.as_bytes() && key == self.key.as_bytes() {
            Ok(())
        } else {
            Err(ApiError::BadCredentials)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn schemes() {
        let creds = Credentials::default();
        let check = |pairs| creds.check(&headers(pairs)).map_err(|e| e.code());
        assert_eq!(check(&[("authorization", "Bearer mock-token")]), Ok(()));
        assert_eq!(
            check(&[
                ("x-auth-email", "user@example.com"),
                ("x-auth-key", "mock-key")
            ]),
            Ok(())
        );
        assert_eq!(check(&[]), Err(9106));
        assert_eq!(check(&[("x-auth-email", "user@example.com")]), Err(9106));
        assert_eq!(check(&[("authorization", "Bearer nope")]), Err(10000));
        assert_eq!(check(&[("authorization", "mock-token")]), Err(10000));
        assert_eq!(
            check(&[("x-auth-email", "user@example.com"), ("x-auth-key", "no")]),
            Err(10000)
        );
        assert_eq!(
            check(&[
                ("authorization", "Bearer mock-token"),
                ("x-auth-key", "mock-key")
            ]),
            Err(9107)
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!("{:?}", Credentials::default());
        assert!(!text.contains("mock-token") && !text.contains("mock-key"));
    }
}
