//! A walk over the tree that knows where schemas stand: the passes of `load` that rewrite
//! schemas (3.1 normalisation, numbers) or references (bundling) visit nodes through it.
//!
//! Data positions (`example`, `examples` of a schema, `default`, `enum`, `const`, an example's
//! `value`, extensions) are never entered: a `$ref` key in example data is data.

use serde_yaml::Value;

/// What a node is, as far as the walk can tell from where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// A part of the document that is not a schema (path item, operation, response…).
    Doc,
    /// A schema (or a reference standing for one).
    Schema,
}

/// A JSON pointer being built, `#/a/b~1c`.
#[derive(Clone, Debug)]
pub(crate) struct Pointer(String);

impl Pointer {
    pub fn root() -> Pointer {
        Pointer("#".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pointer one step down, under `token` (escaped as RFC 6901 says).
    pub fn child(&self, token: &str) -> Pointer {
        let mut out = String::with_capacity(self.0.len() + token.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        out.push_str(&escape(token));
        Pointer(out)
    }
}

/// `~` → `~0`, `/` → `~1`.
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `components/schemas` of `doc`, made if missing.
pub(crate) fn schemas_of(doc: &mut Value) -> Option<&mut serde_yaml::Mapping> {
    let components = doc
        .as_mapping_mut()?
        .entry(Value::from("components"))
        .or_insert_with(|| Value::Mapping(serde_yaml::Mapping::new()));
    components
        .as_mapping_mut()?
        .entry(Value::from("schemas"))
        .or_insert_with(|| Value::Mapping(serde_yaml::Mapping::new()))
        .as_mapping_mut()
}

/// What a visitor does with one node.
pub(crate) trait Visit {
    /// Sees `node` before its children; returns false to keep the walk out of them (the
    /// visitor handled them, or replaced the node by something not to be walked).
    fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool;
}

/// Walks the whole document from its root.
pub(crate) fn document(doc: &mut Value, visitor: &mut impl Visit) {
    walk(doc, Ctx::Doc, &Pointer::root(), visitor);
}

/// Walks `node`, which stands at `at` as a `ctx`, and everything below it.
pub(crate) fn walk(node: &mut Value, ctx: Ctx, at: &Pointer, visitor: &mut impl Visit) {
    if !visitor.visit(node, ctx, at) {
        return;
    }
    match (ctx, node) {
        (Ctx::Doc, Value::Mapping(map)) => {
            let components = at.as_str() == "#/components";
            for (key, child) in map.iter_mut() {
                let Some(key) = key.as_str() else { continue };
                let here = at.child(key);
                match doc_child(key, components) {
                    Child::Skip => {}
                    Child::One(ctx) => walk(child, ctx, &here, visitor),
                    Child::Each(ctx) => each(child, ctx, &here, visitor),
                }
            }
        }
        (Ctx::Doc, Value::Sequence(items)) => {
            for (index, child) in items.iter_mut().enumerate() {
                walk(child, Ctx::Doc, &at.child(&index.to_string()), visitor);
            }
        }
        (Ctx::Schema, Value::Mapping(map)) => {
            for (key, child) in map.iter_mut() {
                let Some(key) = key.as_str() else { continue };
                let here = at.child(key);
                match schema_child(key, child) {
                    Child::Skip => {}
                    Child::One(ctx) => walk(child, ctx, &here, visitor),
                    Child::Each(ctx) => each(child, ctx, &here, visitor),
                }
            }
        }
        _ => {}
    }
}

/// Walks every value of a mapping or element of a sequence as a `ctx`.
fn each(node: &mut Value, ctx: Ctx, at: &Pointer, visitor: &mut impl Visit) {
    match node {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                if let Some(key) = key.as_str() {
                    walk(child, ctx, &at.child(key), visitor);
                }
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                walk(child, ctx, &at.child(&index.to_string()), visitor);
            }
        }
        _ => {}
    }
}

/// Where a key leads.
enum Child {
    Skip,
    One(Ctx),
    Each(Ctx),
}

/// The children of a non-schema object.
fn doc_child(key: &str, in_components: bool) -> Child {
    match key {
        "schema" => Child::One(Ctx::Schema),
        "schemas" if in_components => Child::Each(Ctx::Schema),
        "example" | "value" | "default" => Child::Skip,
        _ if key.starts_with("x-") => Child::Skip,
        _ => Child::One(Ctx::Doc),
    }
}

/// The children of a schema: the keywords whose values are schemas (JSON Schema 2020-12's
/// and OpenAPI 3.0's), nothing else.
fn schema_child(key: &str, value: &Value) -> Child {
    match key {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
            Child::Each(Ctx::Schema)
        }
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => Child::Each(Ctx::Schema),
        "items" if value.is_sequence() => Child::Each(Ctx::Schema),
        "items"
        | "additionalProperties"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "not"
        | "contains"
        | "propertyNames"
        | "if"
        | "then"
        | "else"
        | "contentSchema" => Child::One(Ctx::Schema),
        _ => Child::Skip,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    struct Seen(Vec<(String, Ctx)>);

    impl Visit for Seen {
        fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool {
            if node.get("$ref").is_some() {
                self.0.push((at.as_str().to_owned(), ctx));
            }
            true
        }
    }

    #[test]
    fn references_are_seen_with_their_context_and_data_is_not_entered() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
paths:
  /a/{b}:
    parameters: [{$ref: '#/p'}]
    get:
      responses:
        '200':
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/s'}}
              example: {$ref: 'data'}
components:
  schemas:
    s: {properties: {x: {allOf: [{$ref: '#/t'}]}}, default: {$ref: 'data'}, x-y: {$ref: 'data'}}
"##,
        )
        .unwrap();
        let mut seen = Seen(Vec::new());
        document(&mut doc, &mut seen);
        let seen: Vec<_> = seen.0.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        assert_eq!(
            seen,
            [
                ("#/paths/~1a~1{b}/parameters/0", Ctx::Doc),
                (
                    "#/paths/~1a~1{b}/get/responses/200/content/application~1json/schema/items",
                    Ctx::Schema
                ),
                ("#/components/schemas/s/properties/x/allOf/0", Ctx::Schema),
            ]
        );
    }
}
