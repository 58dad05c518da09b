//! The JSON the mock reads and writes beyond the envelope: request items and
//! result shapes, with the API's field names and order.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// One pair of a bulk write, as sent. Unknown fields are refused so that a
/// misspelled `expiration_ttl` is not silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PairIn {
    pub key: String,
    pub value: String,
    pub base64: Option<bool>,
    pub expiration: Option<Value>,
    pub expiration_ttl: Option<Value>,
    pub metadata: Option<Value>,
}

/// The body of a bulk get, as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkGetIn {
    pub keys: Vec<Value>,
    #[serde(rename = "type")]
    pub kind: Option<ValueType>,
    #[serde(rename = "withMetadata")]
    pub with_metadata: Option<bool>,
}

/// How a bulk get returns values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ValueType {
    /// As JSON strings (the value must be UTF-8).
    Text,
    /// Parsed as JSON (the value must be one JSON document).
    Json,
}

/// A namespace in a result.
#[derive(Debug, Serialize)]
pub(crate) struct NamespaceOut<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub supports_url_encoding: bool,
}

impl<'a> From<&'a crate::store::Namespace> for NamespaceOut<'a> {
    fn from(namespace: &'a crate::store::Namespace) -> Self {
        Self {
            id: &namespace.id,
            title: &namespace.title,
            // Keys written on the URL are URL-decoded before storing, as here.
            supports_url_encoding: true,
        }
    }
}

/// `result_info` of a namespace listing.
#[derive(Debug, Serialize)]
pub(crate) struct PageInfo {
    pub page: usize,
    pub per_page: usize,
    pub count: usize,
    pub total_count: usize,
    pub total_pages: usize,
}

/// One key of a key listing; absent expiration and metadata are left out.
#[derive(Debug, Serialize)]
pub(crate) struct KeyOut<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a Value>,
}

/// `result_info` of a key listing.
#[derive(Debug, Serialize)]
pub(crate) struct CursorInfo<'a> {
    pub count: usize,
    pub cursor: &'a str,
}

/// The result of a bulk write or delete.
#[derive(Debug, Serialize)]
pub(crate) struct BulkResult {
    pub successful_key_count: usize,
    pub unsuccessful_keys: Vec<String>,
}

/// One value of a bulk get with `withMetadata`.
#[derive(Debug, Serialize)]
pub(crate) struct WithMetadata {
    pub value: Value,
    pub metadata: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
}

/// The result of a bulk get: `{"values": {key: ...}}` in the order asked.
#[derive(Debug, Serialize)]
pub(crate) struct BulkValues<V: Serialize> {
    pub values: Ordered<V>,
}

/// Pairs written as a JSON object in their own order (a `serde_json::Map` would
/// sort them, and its `preserve_order` feature would change the whole workspace).
#[derive(Debug)]
pub(crate) struct Ordered<V>(pub Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_keeps_the_order_asked() {
        let values = Ordered(vec![("b".to_owned(), 1), ("a".to_owned(), 2)]);
        let text = serde_json::to_string(&BulkValues { values }).unwrap();
        assert_eq!(text, r#"{"values":{"b":1,"a":2}}"#);
    }

    #[test]
    fn key_out_leaves_out_what_is_absent() {
        let bare = KeyOut {
            name: "k",
            expiration: None,
            metadata: None,
        };
        assert_eq!(serde_json::to_string(&bare).unwrap(), r#"{"name":"k"}"#);
        let meta = serde_json::json!({"a": 1});
        let full = KeyOut {
            name: "k",
            expiration: Some(5),
            metadata: Some(&meta),
        };
        assert_eq!(
            serde_json::to_string(&full).unwrap(),
            r#"{"name":"k","expiration":5,"metadata":{"a":1}}"#
        );
    }
}
