//! OpenAPI 3.1 → the 3.0 shape the model reads.
//!
//! 3.1 adopted JSON Schema 2020-12. What it says with other words than 3.0 is rewritten:
//! - `type: [T, "null"]` → `type: T, nullable: true`; several types → `anyOf` of one schema
//!   per type, each with the keywords that apply to it; `type: "null"` alone → `nullable`;
//! - `const: v` → `enum: [v]`; `examples: [a, …]` → `example: a`;
//! - numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (and maximum);
//! - `$ref` with sibling keywords → `allOf: [{$ref}]` beside them (3.0 ignores siblings);
//! - `contentEncoding: base64` → `format: byte`; a non-text `contentMediaType` → `format: binary`;
//! - `$defs` → components of their own, and references to them rewritten;
//! - `components/pathItems` → copied where paths refer to them.
//!
//! What 3.0 has no word for (`patternProperties`, `prefixItems`, `if`/`then`/`else`,
//! `dependentRequired`, `unevaluatedProperties`, webhooks, mutual TLS…) is dropped with a
//! warning naming it: the generator cannot enforce it.

use super::walk::{self, escape, schemas_of, Ctx, Pointer, Visit};
use crate::diagnostics::{Diagnostics, Kind};
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, HashSet};

/// JSON Schema keywords 3.0 has no counterpart for: dropped with a warning.
const UNENFORCED: &[&str] = &[
    "patternProperties",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contentSchema",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
];

/// Keywords that carry no rule: dropped without a word.
const SILENT: &[&str] = &["$schema", "$id", "$anchor", "$comment", "$vocabulary"];

/// Rewrites a 3.1 document into the 3.0 shape, in place.
pub(crate) fn normalise(doc: &mut Value, diags: &mut Diagnostics) {
    document_level(doc, diags);
    lift_defs(doc);
    walk::document(doc, &mut Schemas { diags });
    if let Some(root) = doc.as_mapping_mut() {
        root.insert(Value::from("openapi"), Value::from("3.0.3"));
    }
}

/// Webhooks, the schema dialect, path item components, mutual TLS, optional `paths`.
fn document_level(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(root) = doc.as_mapping_mut() else {
        return;
    };
    if let Some(Value::Mapping(hooks)) = root.remove("webhooks") {
        if !hooks.is_empty() {
            let message = format!("{} webhook(s) not generated: a client calls the API, webhooks are calls the API makes", hooks.len());
            diags.warn(Kind::Ignored, "#/webhooks", message);
        }
    }
    if let Some(dialect) = root.remove("jsonSchemaDialect") {
        let default = "https://spec.openapis.org/oas/3.1/dialect/base";
        if dialect.as_str() != Some(default) {
            let message =
                "`jsonSchemaDialect` is not read: schemas are read as OpenAPI 3.1's dialect";
            diags.warn(Kind::Ignored, "#/jsonSchemaDialect", message);
        }
    }
    if !root.contains_key("paths") {
        root.insert(Value::from("paths"), Value::Mapping(Mapping::new()));
    }
    let items = path_item_components(root);
    inline_path_items(root, &items, diags);
    drop_mutual_tls(root, diags);
}

/// `components/pathItems`, taken out of the document.
fn path_item_components(root: &mut Mapping) -> BTreeMap<String, Value> {
    let components = root.get_mut("components").and_then(Value::as_mapping_mut);
    let Some(Value::Mapping(items)) = components.and_then(|c| c.remove("pathItems")) else {
        return BTreeMap::new();
    };
    items
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v)))
        .collect()
}

/// Paths that refer to a path item component get a copy of it; unused ones are noted.
fn inline_path_items(root: &mut Mapping, items: &BTreeMap<String, Value>, diags: &mut Diagnostics) {
    let mut used = HashSet::new();
    if let Some(Value::Mapping(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            let reference = item.get("$ref").and_then(Value::as_str);
            let name = reference.and_then(|r| r.strip_prefix("#/components/pathItems/"));
            if let Some((name, found)) = name.and_then(|n| items.get_key_value(n)) {
                used.insert(name.clone());
                *item = found.clone();
            }
        }
    }
    for name in items.keys().filter(|n| !used.contains(*n)) {
        let at = Pointer::root()
            .child("components")
            .child("pathItems")
            .child(name);
        let message = "path item component not generated: no path refers to it";
        diags.warn(Kind::Ignored, at.as_str(), message);
    }
}

/// `mutualTLS` security schemes: a transport matter the generated client does not handle.
fn drop_mutual_tls(root: &mut Mapping, diags: &mut Diagnostics) {
    let components = root.get_mut("components").and_then(Value::as_mapping_mut);
    let Some(Value::Mapping(schemes)) = components.and_then(|c| c.get_mut("securitySchemes"))
    else {
        return;
    };
    let mutual: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .filter_map(|(k, _)| k.as_str().map(str::to_owned))
        .collect();
    for name in mutual {
        schemes.remove(name.as_str());
        let at = Pointer::root()
            .child("components")
            .child("securitySchemes")
            .child(&name);
        let message = "`mutualTLS` security is not generated: configure client certificates on the injected reqwest::Client";
        diags.warn(Kind::Unsupported, at.as_str(), message);
    }
}

/// Rewrites every schema node, before its children are walked.
struct Schemas<'d> {
    diags: &'d mut Diagnostics,
}

impl Visit for Schemas<'_> {
    fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool {
        if ctx == Ctx::Schema {
            if let Value::Mapping(map) = node {
                self.schema(map, at);
            }
        }
        true
    }
}

impl Schemas<'_> {
    fn schema(&mut self, map: &mut Mapping, at: &Pointer) {
        for key in SILENT {
            map.remove(*key);
        }
        for key in UNENFORCED {
            if map.remove(*key).is_some() {
                let message = format!("`{key}` (JSON Schema 2020-12) cannot be enforced by the generated code: ignored");
                self.diags
                    .warn(Kind::Ignored, at.child(key).as_str(), message);
            }
        }
        ref_with_siblings(map);
        types(map);
        if let Some(value) = map.remove("const") {
            map.entry(Value::from("enum"))
                .or_insert_with(|| Value::Sequence(vec![value]));
        }
        if let Some(Value::Sequence(mut examples)) = map.remove("examples") {
            if !examples.is_empty() && !map.contains_key("example") {
                map.insert(Value::from("example"), examples.swap_remove(0));
            }
        }
        exclusive(map, "exclusiveMinimum", "minimum", |bound, limit| {
            bound >= limit
        });
        exclusive(map, "exclusiveMaximum", "maximum", |bound, limit| {
            bound <= limit
        });
        content(map);
    }
}

/// `$ref` beside other keywords: in 3.1 both apply, so the reference goes into an `allOf`.
fn ref_with_siblings(map: &mut Mapping) {
    if map.len() < 2 {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let mut only = Mapping::new();
    only.insert(Value::from("$ref"), reference);
    let all_of = map
        .entry(Value::from("allOf"))
        .or_insert_with(|| Value::Sequence(Vec::new()));
    if let Value::Sequence(members) = all_of {
        members.insert(0, Value::Mapping(only));
    }
}

/// `type` as a list (or `"null"`) into 3.0's single type and `nullable`.
fn types(map: &mut Mapping) {
    let listed: Vec<String> = match map.get("type") {
        Some(Value::Sequence(types)) => types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        _ => return,
    };
    map.remove("type");
    let non_null: Vec<&String> = listed.iter().filter(|t| *t != "null").collect();
    if non_null.len() < listed.len() {
        map.insert(Value::from("nullable"), Value::Bool(true));
    }
    match non_null.as_slice() {
        [] => {}
        [one] => {
            map.insert(Value::from("type"), Value::from(one.as_str()));
        }
        several => {
            let branches = several.iter().map(|t| branch(map, t)).collect();
            // Each keyword now stands in the branches of the types it applies to.
            map.remove("format");
            for ty in several {
                for key in type_keywords(ty) {
                    map.remove(*key);
                }
            }
            let any_of = Value::Sequence(branches);
            if map.contains_key("anyOf") || map.contains_key("oneOf") {
                let mut wrapper = Mapping::new();
                wrapper.insert(Value::from("anyOf"), any_of);
                let all_of = map
                    .entry(Value::from("allOf"))
                    .or_insert_with(|| Value::Sequence(Vec::new()));
                if let Value::Sequence(members) = all_of {
                    members.push(Value::Mapping(wrapper));
                }
            } else {
                map.insert(Value::from("anyOf"), any_of);
            }
        }
    }
}

/// One schema of type `ty`, with the keywords of `map` that apply to that type moved in.
fn branch(map: &Mapping, ty: &str) -> Value {
    let mut out = Mapping::new();
    out.insert(Value::from("type"), Value::from(ty));
    for key in type_keywords(ty) {
        if let Some(value) = map.get(*key) {
            out.insert(Value::from(*key), value.clone());
        }
    }
    let numeric_format = matches!(
        map.get("format").and_then(Value::as_str),
        Some("int32" | "int64" | "float" | "double")
    );
    let wants_format = if numeric_format {
        ty != "string"
    } else {
        ty == "string"
    };
    if let Some(format) = map.get("format").filter(|_| wants_format) {
        out.insert(Value::from("format"), format.clone());
    }
    Value::Mapping(out)
}

/// The keywords that apply to values of one JSON type only.
fn type_keywords(ty: &str) -> &'static [&'static str] {
    match ty {
        "string" => &[
            "maxLength",
            "minLength",
            "pattern",
            "contentEncoding",
            "contentMediaType",
        ],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
        "array" => &["items", "maxItems", "minItems", "uniqueItems"],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "maxProperties",
            "minProperties",
        ],
        _ => &[],
    }
}

/// A numeric `exclusiveMinimum` (3.1) as 3.0's `minimum` + `exclusiveMinimum: true`, unless
/// an inclusive bound beside it is already stricter (`stricter(bound, limit)`).
fn exclusive(map: &mut Mapping, key: &str, bound: &str, stricter: fn(f64, f64) -> bool) {
    let Some(Value::Number(limit)) = map.get(key).cloned() else {
        return;
    };
    map.remove(key);
    let inclusive = map.get(bound).and_then(Value::as_f64);
    let limit_f = limit.as_f64().unwrap_or(f64::NAN);
    if inclusive.is_some_and(|b| b != limit_f && stricter(b, limit_f)) {
        return;
    }
    map.insert(Value::from(bound), Value::Number(limit));
    map.insert(Value::from(key), Value::Bool(true));
}

/// 3.1 says binary and base64 with `contentMediaType`/`contentEncoding`; 3.0 with `format`.
fn content(map: &mut Mapping) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media.as_ref().and_then(Value::as_str),
    ) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media)) if !is_text(media) => "binary",
        _ => return,
    };
    map.entry(Value::from("type"))
        .or_insert_with(|| Value::from("string"));
    map.insert(Value::from("format"), Value::from(format));
}

fn is_text(media: &str) -> bool {
    media.starts_with("text/") || media.contains("json") || media.contains("xml")
}

/// `$defs` anywhere become components (`<name>`, or `<parent>_<name>` when taken), and the
/// references that named them by pointer name them as components.
fn lift_defs(doc: &mut Value) {
    let mut collect = Defs { found: Vec::new() };
    walk::document(doc, &mut collect);
    if collect.found.is_empty() {
        return;
    }
    let taken: HashSet<String> = component_names(doc);
    let mut names = Names { taken };
    let mut renames = BTreeMap::new();
    let mut lifted = Vec::new();
    for (pointer, parent, name, schema) in collect.found {
        let new = names.allocate(&name, &parent);
        renames.insert(pointer, format!("#/components/schemas/{}", escape(&new)));
        lifted.push((new, schema));
    }
    if let Some(schemas) = schemas_of(doc) {
        for (name, schema) in lifted {
            schemas.insert(Value::from(name), schema);
        }
    }
    walk::document(doc, &mut Renames { renames });
}

/// Takes every `$defs` out of the schemas it stands in, innermost included.
struct Defs {
    /// `(pointer of the definition, parent's name, name, schema)`.
    found: Vec<(String, String, String, Value)>,
}

impl Visit for Defs {
    fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool {
        if ctx != Ctx::Schema {
            return true;
        }
        let Some(Value::Mapping(defs)) = node.as_mapping_mut().and_then(|m| m.remove("$defs"))
        else {
            return true;
        };
        let parent = at
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or("schema")
            .to_owned();
        let here = at.child("$defs");
        for (name, mut schema) in defs {
            let Some(name) = name.as_str().map(str::to_owned) else {
                continue;
            };
            let pointer = here.child(&name);
            walk::walk(&mut schema, Ctx::Schema, &pointer, self);
            self.found
                .push((pointer.as_str().to_owned(), parent.clone(), name, schema));
        }
        true
    }
}

/// Points references to lifted definitions at their components.
struct Renames {
    renames: BTreeMap<String, String>,
}

impl Visit for Renames {
    fn visit(&mut self, node: &mut Value, _ctx: Ctx, _at: &Pointer) -> bool {
        let Some(Value::String(reference)) = node.get_mut("$ref") else {
            return true;
        };
        if let Some(new) = self.renames.get(reference.as_str()) {
            *reference = new.clone();
        }
        true
    }
}

struct Names {
    taken: HashSet<String>,
}

impl Names {
    fn allocate(&mut self, name: &str, parent: &str) -> String {
        let first = [name.to_owned(), format!("{parent}_{name}")];
        for candidate in first {
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        (2..)
            .map(|n| format!("{parent}_{name}_{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or_default()
    }
}

fn component_names(doc: &Value) -> HashSet<String> {
    let schemas = doc.get("components").and_then(|c| c.get("schemas"));
    let Some(Value::Mapping(schemas)) = schemas else {
        return HashSet::new();
    };
    schemas
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}
