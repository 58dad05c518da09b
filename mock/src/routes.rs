//! Matching the raw request path against the routes the mock serves.
//!
//! The path is split on literal `/` *before* any percent-decoding, so an encoded
//! `%2F` stays inside its segment while a literal `/` makes a different route.
//! No router or URL library gets to normalise the path first.

/// The prefix every API path starts with, as on the real server.
pub const API_PREFIX: &str = "/client/v4";

/// The segments of a matched values route, still percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValuesPath<'a> {
    /// The raw `{account_id}` segment.
    pub account_id: &'a str,
    /// The raw `{namespace_id}` segment.
    pub namespace_id: &'a str,
    /// The raw `{key_name}` segment.
    pub key_name: &'a str,
}

/// A raw path that matches a known route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// `/accounts/{account_id}/storage/kv/namespaces/{namespace_id}/values/{key_name}`
    Values(ValuesPath<'a>),
}

/// The route a raw path (no query) names, or `None` for "no route".
pub(crate) fn match_route(raw_path: &str) -> Option<Route<'_>> {
    let rest = raw_path.strip_prefix(API_PREFIX)?.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["accounts", account_id, "storage", "kv", "namespaces", namespace_id, "values", key_name] => {
            Some(Route::Values(ValuesPath {
                account_id,
                namespace_id,
                key_name,
            }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/client/v4/accounts/a/storage/kv/namespaces/n/values/";

    fn key_of(path: &str) -> Option<&str> {
        match match_route(path)? {
            Route::Values(v) => Some(v.key_name),
        }
    }

    #[test]
    fn encoded_slash_stays_in_the_key() {
        assert_eq!(key_of(&format!("{BASE}a%2Fb")), Some("a%2Fb"));
    }

    #[test]
    fn literal_slash_is_another_route() {
        assert_eq!(key_of(&format!("{BASE}a/b")), None);
    }

    #[test]
    fn empty_key_still_matches_so_it_can_be_refused() {
        assert_eq!(key_of(BASE), Some(""));
    }

    #[test]
    fn prefix_is_required() {
        assert_eq!(key_of("/accounts/a/storage/kv/namespaces/n/values/k"), None);
        assert_eq!(
            key_of("/client/v4x/accounts/a/storage/kv/namespaces/n/values/k"),
            None
        );
    }
}
