//! The parse guard: checks every schema of a document, node by node, before `openapiv3` reads
//! the whole, so that loading costs time linear in the input.
//!
//! `openapiv3` reads `ReferenceOr<T>` by trying `T`, and on failure parses `T` again to word
//! the error; a schema that fails deep inside nested schemas is so parsed twice per level, and
//! time doubles with each level (22 nested `not`s around one bad value take many seconds).
//! Here each schema node is tried on its own, its sub-schemas replaced by `{}`, so every node
//! is parsed once whatever its depth. A node `openapiv3` would refuse is replaced by a marker
//! that lowering reports as an error at the same place (so only what uses it is left out).
//! Callbacks, from which nothing is generated, are emptied: they nest path items without end.

use openapiv3::{ReferenceOr, Schema};
use serde::Deserialize;
use serde_yaml::{Mapping, Value};

/// The extension that marks a schema the guard refused; its value is the reason.
pub const INVALID: &str = "x-kv-invalid";

/// Schemas nested deeper than this are cut off with a diagnostic, so that no later pass
/// recurses without bound.
pub const MAX_SCHEMA_DEPTH: usize = 64;

/// HTTP methods a path item may hold.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Makes `doc` safe to hand to `openapiv3`: every schema parses, keys are strings, callbacks
/// are empty. Returns how many schemas were replaced by markers.
pub fn guard(doc: &mut Value) -> usize {
    stringify_keys(doc);
    let mut guard = Guard { replaced: 0 };
    guard.document(doc);
    guard.replaced
}

struct Guard {
    replaced: usize,
}

impl Guard {
    fn document(&mut self, doc: &mut Value) {
        for (_, item) in entries(doc.get_mut("paths")) {
            self.path_item(item);
        }
        let Some(components) = doc.get_mut("components") else {
            return;
        };
        for (_, schema) in entries(components.get_mut("schemas")) {
            self.schema(schema, 0);
        }
        for (_, param) in entries(components.get_mut("parameters")) {
            self.parameter(param);
        }
        for (_, header) in entries(components.get_mut("headers")) {
            self.parameter(header);
        }
        for (_, body) in entries(components.get_mut("requestBodies")) {
            self.content(body);
        }
        for (_, response) in entries(components.get_mut("responses")) {
            self.response(response);
        }
        empty_callbacks(components.get_mut("callbacks"));
    }

    fn path_item(&mut self, item: &mut Value) {
        for param in elements(item.get_mut("parameters")) {
            self.parameter(param);
        }
        for method in METHODS {
            if let Some(op) = item.get_mut(*method) {
                self.operation(op);
            }
        }
    }

    fn operation(&mut self, op: &mut Value) {
        for param in elements(op.get_mut("parameters")) {
            self.parameter(param);
        }
        if let Some(body) = op.get_mut("requestBody") {
            self.content(body);
        }
        for (_, response) in entries(op.get_mut("responses")) {
            self.response(response);
        }
        empty_callbacks(op.get_mut("callbacks"));
    }

    /// A parameter or a header: a schema, or content by media type.
    fn parameter(&mut self, param: &mut Value) {
        if let Some(schema) = param.get_mut("schema") {
            self.schema(schema, 0);
        }
        self.content(param);
    }

    fn response(&mut self, response: &mut Value) {
        for (_, header) in entries(response.get_mut("headers")) {
            self.parameter(header);
        }
        self.content(response);
    }

    /// The `content` of a body, response or parameter: a schema and encodings per media type.
    fn content(&mut self, holder: &mut Value) {
        for (_, media) in entries(holder.get_mut("content")) {
            if let Some(schema) = media.get_mut("schema") {
                self.schema(schema, 0);
            }
            for (_, encoding) in entries(media.get_mut("encoding")) {
                for (_, header) in entries(encoding.get_mut("headers")) {
                    self.parameter(header);
                }
            }
        }
    }

    /// Checks the sub-schemas of `schema` first, then `schema` itself with them set aside.
    fn schema(&mut self, schema: &mut Value, depth: usize) {
        if depth >= MAX_SCHEMA_DEPTH {
            let reason =
                format!("schemas nested deeper than {MAX_SCHEMA_DEPTH} levels are not supported");
            self.replace(schema, reason);
            return;
        }
        for child in children(schema) {
            self.schema(child, depth + 1);
        }
        let mut held = Vec::new();
        for child in children(schema) {
            held.push(std::mem::replace(child, Value::Mapping(Mapping::new())));
        }
        let verdict = ReferenceOr::<Schema>::deserialize(&*schema).map(|_| ());
        for (child, value) in children(schema).zip(held) {
            *child = value;
        }
        if let Err(err) = verdict {
            self.replace(schema, format!("malformed schema: {err}"));
        }
    }

    fn replace(&mut self, schema: &mut Value, reason: String) {
        let mut marker = Mapping::new();
        marker.insert(Value::from(INVALID), Value::from(reason));
        *schema = Value::Mapping(marker);
        self.replaced += 1;
    }
}

/// The sub-schemas of a schema node, in a fixed order: `properties`, `items`,
/// `additionalProperties`, `allOf`, `anyOf`, `oneOf`, `not`. Only well-shaped positions
/// count; a malformed one stays in place and fails the node's own check.
fn children(schema: &mut Value) -> impl Iterator<Item = &mut Value> {
    let mut out: Vec<&mut Value> = Vec::new();
    let Value::Mapping(map) = schema else {
        return out.into_iter();
    };
    // A reference ignores its siblings; they are not parsed, so not checked either.
    if map.get("$ref").is_some_and(Value::is_string) {
        return out.into_iter();
    }
    for (key, value) in map.iter_mut() {
        let Some(key) = key.as_str() else { continue };
        match (key, value) {
            ("properties", Value::Mapping(props)) => {
                out.extend(props.values_mut().filter(|v| v.is_mapping()));
            }
            ("items" | "additionalProperties" | "not", v @ Value::Mapping(_)) => out.push(v),
            ("allOf" | "anyOf" | "oneOf", Value::Sequence(members)) => {
                out.extend(members.iter_mut().filter(|v| v.is_mapping()));
            }
            _ => {}
        }
    }
    out.into_iter()
}

/// The values of a mapping, if `value` is one.
fn entries(value: Option<&mut Value>) -> impl Iterator<Item = (&Value, &mut Value)> {
    value
        .and_then(Value::as_mapping_mut)
        .into_iter()
        .flat_map(|m| m.iter_mut())
}

/// The elements of a sequence, if `value` is one.
fn elements(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    value
        .and_then(Value::as_sequence_mut)
        .into_iter()
        .flat_map(|s| s.iter_mut())
}

/// Keeps the names of callbacks (lowering warns that they are ignored), drops their content.
fn empty_callbacks(callbacks: Option<&mut Value>) {
    for (_, callback) in entries(callbacks) {
        *callback = Value::Mapping(Mapping::new());
    }
}

/// YAML allows `200:` or `true:` as keys; OpenAPI's are strings. Writing them as strings
/// (and dropping YAML tags, which OpenAPI does not use) lets every reader of the document
/// agree on what it holds.
fn stringify_keys(value: &mut Value) {
    while let Value::Tagged(tagged) = value {
        let inner = std::mem::take(&mut tagged.value);
        *value = inner;
    }
    match value {
        Value::Mapping(map) => {
            if map.keys().any(|k| !k.is_string()) {
                let old = std::mem::take(map);
                for (key, v) in old {
                    map.insert(key_text(key), v);
                }
            }
            for v in map.values_mut() {
                stringify_keys(v);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(stringify_keys),
        _ => {}
    }
}

fn key_text(key: Value) -> Value {
    match key {
        Value::Number(n) => Value::from(n.to_string()),
        Value::Bool(b) => Value::from(b.to_string()),
        Value::Null => Value::from("null"),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // indexing a `Value` yields `Null` when absent
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn a_bad_node_is_replaced_and_its_siblings_kept() {
        let mut doc = yaml(
            "components:\n  schemas:\n    a:\n      type: object\n      properties:\n        ok: {type: string}\n        bad: {type: string, maxLength: x}\n",
        );
        assert_eq!(guard(&mut doc), 1);
        let props = &doc["components"]["schemas"]["a"]["properties"];
        assert_eq!(props["ok"], yaml("{type: string}"));
        assert_eq!(
            props["bad"][INVALID].as_str(),
            Some("malformed schema: invalid type: string \"x\", expected usize")
        );
    }

    #[test]
    fn valid_schemas_are_left_alone() {
        let text = "components:\n  schemas:\n    a: {allOf: [{$ref: '#/b'}, {not: {enum: [x]}}], nullable: true}\n";
        let mut doc = yaml(text);
        assert_eq!(guard(&mut doc), 0);
        assert_eq!(doc, yaml(text));
    }

    #[test]
    fn keys_become_strings_and_callbacks_are_emptied() {
        let mut doc = yaml("paths:\n  /a:\n    get:\n      responses: {200: {description: ok}}\n      callbacks: {c: {x: {post: {}}}}\n");
        guard(&mut doc);
        let op = &doc["paths"]["/a"]["get"];
        assert!(op["responses"]["200"].is_mapping());
        assert_eq!(op["callbacks"]["c"], yaml("{}"));
    }

    #[test]
    fn depth_is_bounded() {
        let mut schema = yaml("{type: string}");
        for _ in 0..MAX_SCHEMA_DEPTH + 5 {
            let mut m = Mapping::new();
            m.insert(Value::from("not"), schema);
            schema = Value::Mapping(m);
        }
        let mut g = Guard { replaced: 0 };
        g.schema(&mut schema, 0);
        assert_eq!(g.replaced, 1);
    }
}
