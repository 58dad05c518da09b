//! A request that reached a route: what the route modules (`namespaces`, `keys`, `values`,
//! `bulk`) read of it. Below both the handler that builds it and the routes that take it, so
//! the handler dispatches to the routes without the routes importing the handler.

use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::body::{self, BodyKind, Ending, ReadBody};
use crate::error::ApiError;
use crate::routes::Segments;
use crate::state::State;
use crate::validate;

/// A request that reached a route, with what the operations need of it.
pub(crate) struct Call<'a> {
    /// The server's state.
    pub state: &'a State,
    /// Method, URI and headers.
    pub parts: &'a Parts,
    /// The route's raw segments.
    pub segments: Segments<'a>,
    /// The body as read.
    pub body: ReadBody,
    /// The body's kind, for the value write.
    pub body_kind: Result<BodyKind, ApiError>,
    /// The byte limit the body was read with.
    pub body_limit: usize,
}

impl Call<'_> {
    /// The decoded account id.
    pub(crate) fn account(&self) -> Result<String, ApiError> {
        validate::identifier(self.segments.account_id)
    }

    /// The decoded account and namespace ids.
    pub(crate) fn namespace(&self) -> Result<(String, String), ApiError> {
        Ok((
            self.account()?,
            validate::identifier(self.segments.namespace_id)?,
        ))
    }

    /// The decoded account id, namespace id and key.
    pub(crate) fn address(&self) -> Result<(String, String, String), ApiError> {
        let (account, namespace) = self.namespace()?;
        Ok((
            account,
            namespace,
            validate::key_segment(self.segments.key_name)?,
        ))
    }

    /// The raw value of a query parameter.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        validate::query_param(self.parts.uri.query(), name)
    }

    /// The server's time, in seconds since the epoch.
    pub(crate) fn now(&self) -> i64 {
        self.state.clock.now()
    }

    /// Whether a write may create the namespace it names.
    pub(crate) fn may_create_namespace(&self) -> bool {
        !self.state.strict_namespaces
    }

    /// The body parsed as JSON: JSON media type, within the limit, well formed.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        body::check_json(&self.parts.headers)?;
        if self.body.ending == Ending::OverLimit {
            return Err(ApiError::BodyTooLarge(self.body_limit));
        }
        serde_json::from_slice(&self.body.bytes).map_err(|e| ApiError::BadBody(e.to_string()))
    }
}
