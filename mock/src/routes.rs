//! Matching the raw request path against the routes the mock serves.
//!
//! The path is split on literal `/` *before* any percent-decoding, so an encoded
//! `%2F` stays inside its segment while a literal `/` makes a different route.
//! No router or URL library gets to normalise the path first.

use http::Method;

/// The prefix every API path starts with, as on the real server.
pub const API_PREFIX: &str = "/client/v4";

/// The raw (still percent-encoded) segments a route names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segments<'a> {
    /// The raw `{account_id}` segment.
    pub account_id: &'a str,
    /// The raw `{namespace_id}` segment, if the route has one.
    pub namespace_id: &'a str,
    /// The raw `{key_name}` segment, if the route has one.
    pub key_name: &'a str,
}

/// Which route a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `/accounts/{a}/storage/kv/namespaces`
    Namespaces,
    /// `/accounts/{a}/storage/kv/namespaces/{n}`
    Namespace,
    /// `.../namespaces/{n}/bulk`
    Bulk,
    /// `.../namespaces/{n}/bulk/delete`
    BulkDelete,
    /// `.../namespaces/{n}/bulk/get`
    BulkGet,
    /// `.../namespaces/{n}/keys`
    Keys,
    /// `.../namespaces/{n}/metadata/{key}`
    Metadata,
    /// `.../namespaces/{n}/values/{key}`
    Values,
}

/// A raw path that matches a known route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Route<'a> {
    /// Which route.
    pub kind: Kind,
    /// Its raw segments (empty where the route has none).
    pub segments: Segments<'a>,
}

impl Kind {
    /// The methods the route serves, as the `Allow` header of a 405 lists them.
    pub(crate) fn allow(self) -> &'static str {
        match self {
            Self::Namespaces => "GET, POST",
            Self::Namespace | Self::Values => "GET, PUT, DELETE",
            Self::Bulk => "PUT, DELETE",
            Self::BulkDelete | Self::BulkGet => "POST",
            Self::Keys | Self::Metadata => "GET",
        }
    }

    /// Whether the route serves this method.
    pub(crate) fn allows(self, method: &Method) -> bool {
        self.allow().split(", ").any(|m| m == method.as_str())
    }
}

/// The route a raw path (no query) names, or `None` for "no route".
pub(crate) fn match_route(raw_path: &str) -> Option<Route<'_>> {
    let rest = raw_path
        .strip_prefix(API_PREFIX)?
        .strip_prefix("/accounts/")?;
    let (account_id, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("storage/kv/namespaces")?;
    let segments: Vec<&str> = rest.split('/').collect();
    let at = |namespace_id, key_name| Segments {
        account_id,
        namespace_id,
        key_name,
    };
    let (kind, segments) = match segments.as_slice() {
        [""] => (Kind::Namespaces, at("", "")),
        ["", namespace] => (Kind::Namespace, at(namespace, "")),
        ["", namespace, "bulk"] => (Kind::Bulk, at(namespace, "")),
        ["", namespace, "bulk", "delete"] => (Kind::BulkDelete, at(namespace, "")),
        ["", namespace, "bulk", "get"] => (Kind::BulkGet, at(namespace, "")),
        ["", namespace, "keys"] => (Kind::Keys, at(namespace, "")),
        ["", namespace, "metadata", key] => (Kind::Metadata, at(namespace, key)),
        ["", namespace, "values", key] => (Kind::Values, at(namespace, key)),
        _ => return None,
    };
    Some(Route { kind, segments })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/client/v4/accounts/a/storage/kv/namespaces";

    fn route(path: &str) -> Option<(Kind, &str, &str, &str)> {
        let r = match_route(path)?;
        let s = r.segments;
        Some((r.kind, s.account_id, s.namespace_id, s.key_name))
    }

    #[test]
    fn every_route() {
        let cases = [
            ("", Kind::Namespaces, "", ""),
            ("/n", Kind::Namespace, "n", ""),
            ("/n/bulk", Kind::Bulk, "n", ""),
            ("/n/bulk/delete", Kind::BulkDelete, "n", ""),
            ("/n/bulk/get", Kind::BulkGet, "n", ""),
            ("/n/keys", Kind::Keys, "n", ""),
            ("/n/metadata/k", Kind::Metadata, "n", "k"),
            ("/n/values/k", Kind::Values, "n", "k"),
        ];
        for (tail, kind, namespace, key) in cases {
            let path = format!("{BASE}{tail}");
            assert_eq!(route(&path), Some((kind, "a", namespace, key)), "{path}");
        }
    }

    #[test]
    fn encoded_slash_stays_in_the_key() {
        assert_eq!(
            route(&format!("{BASE}/n/values/a%2Fb")).map(|r| r.3),
            Some("a%2Fb")
        );
    }

    #[test]
    fn literal_slash_is_another_route() {
        assert_eq!(route(&format!("{BASE}/n/values/a/b")), None);
        assert_eq!(route(&format!("{BASE}/n/keys/")), None);
        assert_eq!(route(&format!("{BASE}/n/bulk/put")), None);
    }

    #[test]
    fn empty_segments_still_match_so_they_can_be_refused() {
        assert_eq!(route(&format!("{BASE}/n/values/")).map(|r| r.3), Some(""));
        assert_eq!(
            route(&format!("{BASE}/")).map(|r| r.0),
            Some(Kind::Namespace)
        );
        assert_eq!(
            route("/client/v4/accounts//storage/kv/namespaces").map(|r| r.1),
            Some("")
        );
    }

    #[test]
    fn prefix_is_required() {
        assert_eq!(route("/accounts/a/storage/kv/namespaces/n/values/k"), None);
        assert_eq!(
            route("/client/v4x/accounts/a/storage/kv/namespaces/n/values/k"),
            None
        );
        assert_eq!(route("/client/v4/accounts/a/storage/kv/namespacesX"), None);
    }

    #[test]
    fn allow_lists() {
        assert!(Kind::Bulk.allows(&Method::PUT));
        assert!(Kind::Bulk.allows(&Method::DELETE));
        assert!(!Kind::Bulk.allows(&Method::POST));
        assert!(!Kind::Values.allows(&Method::HEAD));
    }
}
