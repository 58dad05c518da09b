//! Selection: only the operations asked for (`include`/`exclude`), and later (after the
//! overlays) only the components those operations reach.
//!
//! A selector is `tag:NAME`, `path:GLOB` or `operation:ID`. An operation is kept when no
//! include was given or one matches it, and no exclude matches it. Both steps work on the
//! tree before `openapiv3` reads it, so an operation left out costs nothing further.

use crate::diagnostics::{Diagnostics, Kind};
use regex::Regex;
use serde_yaml::{Mapping, Value};
use std::collections::HashSet;

/// The keys of a path item that hold operations.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The component sections pruned to what the selected operations reach. Security schemes
/// are named by requirements, not referenced, and stay; so does every other section.
const PRUNED: [&str; 8] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
];

/// What one selector matches.
#[derive(Debug)]
enum Matcher {
    Tag(String),
    Path(Regex),
    Operation(String),
}

/// One `include` or `exclude` entry, and how many operations it matched.
#[derive(Debug)]
struct Selector {
    /// The text as given.
    text: String,
    /// Where it was given: `include[0]`.
    at: String,
    matcher: Matcher,
    hits: usize,
}

/// The selectors of one generation.
#[derive(Debug)]
pub(crate) struct Selection {
    include: Vec<Selector>,
    exclude: Vec<Selector>,
}

/// How many operations were kept out of how many the document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counts {
    pub selected: usize,
    pub total: usize,
}

/// The facts of one operation that selectors look at.
struct Facts<'a> {
    path: &'a str,
    id: Option<&'a str>,
    tags: Vec<&'a str>,
}

impl Selection {
    /// Parses the selectors; `Ok(None)` when none was given. A malformed one is an error.
    pub fn parse(
        include: &[String],
        exclude: &[String],
        diags: &mut Diagnostics,
    ) -> Option<Option<Selection>> {
        if include.is_empty() && exclude.is_empty() {
            return Some(None);
        }
        let include = parse_all(include, "include", diags);
        let exclude = parse_all(exclude, "exclude", diags);
        match (include, exclude) {
            (Some(include), Some(exclude)) => Some(Some(Selection { include, exclude })),
            _ => None,
        }
    }

    /// Removes the operations not selected, then the path items left without one. Warns of
    /// each selector that matched nothing.
    pub fn apply(&mut self, doc: &mut Value, diags: &mut Diagnostics) -> Counts {
        let resolved = resolve_path_item_refs(doc);
        let mut counts = Counts {
            selected: 0,
            total: 0,
        };
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) {
            let mut resolved = resolved.into_iter();
            paths.retain(|key, item| {
                let path = key.as_str().unwrap_or_default();
                if item.get("$ref").is_none() {
                    return self.filter_item(path, item, None, &mut counts);
                }
                match resolved.next().flatten() {
                    Some(target) => self.filter_item(path, item, Some(target), &mut counts),
                    // Left for the reader of references to report.
                    None => true,
                }
            });
        }
        self.warn_unused(diags, counts);
        counts
    }

    /// Filters one path item; false when no operation of it is left. `target` is the path
    /// item a `$ref` item points to: kept as a reference when every operation of it is
    /// selected, else replaced by a copy holding the selected ones.
    fn filter_item(
        &mut self,
        path: &str,
        item: &mut Value,
        target: Option<Value>,
        counts: &mut Counts,
    ) -> bool {
        let Some(mut target) = target else {
            return self.filter_operations(path, item, counts).1 > 0;
        };
        let (before, after) = self.filter_operations(path, &mut target, counts);
        if after > 0 && after < before {
            *item = target;
        }
        after > 0
    }

    /// Removes the unselected operations of a path item; (before, after) counts.
    fn filter_operations(
        &mut self,
        path: &str,
        item: &mut Value,
        counts: &mut Counts,
    ) -> (usize, usize) {
        let Some(map) = item.as_mapping_mut() else {
            // Not a path item: left for the reader of the document to report.
            return (0, 1);
        };
        let before = operation_count(map);
        map.retain(|key, op| {
            let method = key.as_str().unwrap_or_default();
            !METHODS.contains(&method) || self.keeps(&facts(path, op))
        });
        let after = operation_count(map);
        counts.total += before;
        counts.selected += after;
        (before, after)
    }

    /// Whether the operation is kept; counts every selector's hits.
    fn keeps(&mut self, facts: &Facts<'_>) -> bool {
        let included = hit_any(&mut self.include, facts);
        let excluded = hit_any(&mut self.exclude, facts);
        (self.include.is_empty() || included) && !excluded
    }

    fn warn_unused(&self, diags: &mut Diagnostics, counts: Counts) {
        for selector in self.include.iter().chain(&self.exclude) {
            if selector.hits == 0 {
                let message = format!("selector `{}` matches no operation", selector.text);
                diags.warn(Kind::Ignored, selector.at.clone(), message);
            }
        }
        if counts.selected == 0 && counts.total > 0 {
            let message = format!(
                "no operation selected out of {}: the client has no methods",
                counts.total
            );
            diags.warn(Kind::Ignored, "#/paths", message);
        }
    }
}

/// True when any selector matches; every matching one counts a hit.
fn hit_any(selectors: &mut [Selector], facts: &Facts<'_>) -> bool {
    let mut any = false;
    for selector in selectors {
        if selector.matcher.matches(facts) {
            selector.hits += 1;
            any = true;
        }
    }
    any
}

impl Matcher {
    fn matches(&self, facts: &Facts<'_>) -> bool {
        match self {
            Matcher::Tag(tag) => facts.tags.contains(&tag.as_str()),
            Matcher::Path(glob) => glob.is_match(facts.path),
            Matcher::Operation(id) => facts.id == Some(id.as_str()),
        }
    }
}

fn facts<'a>(path: &'a str, op: &'a Value) -> Facts<'a> {
    let tags = op.get("tags").and_then(Value::as_sequence);
    Facts {
        path,
        id: op.get("operationId").and_then(Value::as_str),
        tags: tags
            .map(|tags| tags.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default(),
    }
}

fn operation_count(item: &Mapping) -> usize {
    METHODS.iter().filter(|m| item.contains_key(**m)).count()
}

/// For each path item that is a `$ref`, in order, the local path item it points to.
fn resolve_path_item_refs(doc: &Value) -> Vec<Option<Value>> {
    let Some(paths) = doc.get("paths").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    paths
        .values()
        .filter_map(|item| item.get("$ref"))
        .map(|reference| {
            let pointer = reference.as_str()?.strip_prefix('#')?;
            resolve_pointer(doc, pointer).cloned()
        })
        .collect()
}

/// The node a JSON pointer (`/components/pathItems/a~1b`) names.
fn resolve_pointer<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut node = doc;
    for token in pointer.split('/').skip(1) {
        let token = crate::refs::unescape(token);
        node = match node {
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => node.get(token.as_str())?,
        };
    }
    Some(node)
}

fn parse_all(texts: &[String], field: &str, diags: &mut Diagnostics) -> Option<Vec<Selector>> {
    let mut selectors = Vec::with_capacity(texts.len());
    let mut ok = true;
    for (index, text) in texts.iter().enumerate() {
        let at = format!("{field}[{index}]");
        match parse_selector(text) {
            Ok(matcher) => selectors.push(Selector {
                text: text.clone(),
                at,
                matcher,
                hits: 0,
            }),
            Err(message) => {
                diags.error(Kind::Invalid, at, message);
                ok = false;
            }
        }
    }
    ok.then_some(selectors)
}

fn parse_selector(text: &str) -> Result<Matcher, String> {
    let expected = "expected `tag:NAME`, `path:GLOB` or `operation:ID`";
    let Some((kind, value)) = text.split_once(':') else {
        return Err(format!("selector `{text}` has no kind: {expected}"));
    };
    if value.is_empty() {
        return Err(format!("selector `{text}` is empty: {expected}"));
    }
    match kind {
        "tag" => Ok(Matcher::Tag(value.to_owned())),
        "operation" => Ok(Matcher::Operation(value.to_owned())),
        "path" => glob_regex(value)
            .map(Matcher::Path)
            .map_err(|err| format!("selector `{text}`: {err}")),
        _ => Err(format!(
            "selector `{text}` has an unknown kind `{kind}`: {expected}"
        )),
    }
}

/// The anchored regex of a path glob: `*` any characters but `/`, `?` one of them, `**` any
/// characters at all (and `/**/` also a single `/`, so that it spans zero segments).
/// Everything else, `{braces}` included, stands for itself.
pub(crate) fn glob_regex(glob: &str) -> Result<Regex, String> {
    Regex::new(&glob_pattern(glob)).map_err(|err| format!("not a usable glob: {err}"))
}

fn glob_pattern(glob: &str) -> String {
    let mut pattern = String::from("^");
    let mut rest = glob;
    while let Some(c) = rest.chars().next() {
        let (piece, len) = if rest.starts_with("/**/") {
            ("/(?:.*/)?", 4)
        } else if rest.starts_with("**") {
            (".*", 2)
        } else if c == '*' {
            ("[^/]*", 1)
        } else if c == '?' {
            ("[^/]", 1)
        } else {
            let mut buf = [0u8; 4];
            pattern.push_str(&regex::escape(c.encode_utf8(&mut buf)));
            ("", c.len_utf8())
        };
        pattern.push_str(piece);
        rest = rest.get(len..).unwrap_or_default();
    }
    pattern.push('$');
    pattern
}

/// Drops the components (of the [`PRUNED`] sections) that nothing outside them reaches,
/// following `$ref`s (and discriminator mappings) from component to component.
pub(crate) fn prune(doc: &mut Value) {
    let reached = reached_components(doc);
    let Some(components) = doc.get_mut("components").and_then(Value::as_mapping_mut) else {
        return;
    };
    for section in PRUNED {
        if let Some(entries) = components.get_mut(section).and_then(Value::as_mapping_mut) {
            entries.retain(|name, _| {
                let name = name.as_str().unwrap_or_default();
                reached.contains(&(section, name.to_owned()))
            });
        }
    }
}

/// Every `(section, name)` of a pruned section that the rest of the document reaches. One
/// walk with an explicit stack; each component is walked once, when first reached.
fn reached_components(doc: &Value) -> HashSet<(&'static str, String)> {
    let mut reached = HashSet::new();
    let components = doc.get("components").and_then(Value::as_mapping);
    let mut stack: Vec<&Value> = roots(doc);
    while let Some(node) = stack.pop() {
        match node {
            Value::Mapping(map) => {
                for (section, name) in refs_of(map) {
                    let found = components
                        .and_then(|c| c.get(section))
                        .and_then(|s| s.get(name.as_str()));
                    if reached.insert((section, name)) {
                        stack.extend(found);
                    }
                }
                stack.extend(map.values());
            }
            Value::Sequence(items) => stack.extend(items.iter()),
            Value::Tagged(tagged) => stack.push(&tagged.value),
            _ => {}
        }
    }
    reached
}

/// Where the walk starts: everything but the pruned component sections.
fn roots(doc: &Value) -> Vec<&Value> {
    let Some(top) = doc.as_mapping() else {
        return Vec::new();
    };
    let mut roots = Vec::new();
    for (key, value) in top {
        match (key.as_str(), value.as_mapping()) {
            (Some("components"), Some(sections)) => {
                let kept = sections
                    .iter()
                    .filter(|(k, _)| !k.as_str().is_some_and(|k| PRUNED.contains(&k)));
                roots.extend(kept.map(|(_, v)| v));
            }
            _ => roots.push(value),
        }
    }
    roots
}

/// The components one mapping refers to: its `$ref`, and the targets of a discriminator's
/// `mapping` (a `#/components/schemas/…` reference or a bare schema name).
fn refs_of(map: &Mapping) -> Vec<(&'static str, String)> {
    let mut found: Vec<(&'static str, String)> = Vec::new();
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        found.extend(component_of(reference));
    }
    let mapping = map
        .get("discriminator")
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_mapping);
    for target in mapping.into_iter().flat_map(Mapping::values) {
        let Some(target) = target.as_str() else {
            continue;
        };
        match component_of(target) {
            Some(component) => found.push(component),
            None if !target.contains('/') => found.push(("schemas", target.to_owned())),
            None => {}
        }
    }
    found
}

/// `#/components/<section>/<name>[/…]` → (section, name), for a pruned section.
fn component_of(reference: &str) -> Option<(&'static str, String)> {
    let rest = reference.strip_prefix("#/components/")?;
    let (section, rest) = rest.split_once('/')?;
    let section = PRUNED.into_iter().find(|s| *s == section)?;
    let name = rest.split('/').next().unwrap_or(rest);
    Some((section, crate::refs::unescape(name)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    fn glob(glob: &str, path: &str) -> bool {
        glob_regex(glob).unwrap().is_match(path)
    }

    #[test]
    fn star_stays_within_one_segment() {
        assert!(glob("/accounts/*/kv", "/accounts/{account_id}/kv"));
        assert!(glob("/accounts/*", "/accounts/"));
        assert!(!glob("/accounts/*", "/accounts/a/b"));
        assert!(!glob("/accounts/*/kv", "/accounts/a/b/kv"));
    }

    #[test]
    fn double_star_spans_segments() {
        let kv = "/accounts/{account_id}/storage/kv/**";
        assert!(glob(kv, "/accounts/{account_id}/storage/kv/namespaces"));
        assert!(glob(
            kv,
            "/accounts/{account_id}/storage/kv/namespaces/{id}/keys"
        ));
        assert!(!glob(kv, "/accounts/{account_id}/storage/kv"));
        assert!(!glob(kv, "/accounts/{account_id}/storage/kvx/namespaces"));
        assert!(glob("/a/**/b", "/a/b"));
        assert!(glob("/a/**/b", "/a/x/y/b"));
        assert!(!glob("/a/**/b", "/a/xb"));
        assert!(glob("**", "/anything/at/all"));
    }

    #[test]
    fn braces_and_regex_characters_are_literal() {
        assert!(glob("/accounts/{account_id}", "/accounts/{account_id}"));
        assert!(!glob("/accounts/{account_id}", "/accounts/account_id"));
        assert!(!glob("/accounts/{a,b}", "/accounts/a"));
        assert!(glob("/v1.0/(x)+", "/v1.0/(x)+"));
        assert!(!glob("/v1.0", "/v1x0"));
        assert!(glob("/k?y", "/key"));
        assert!(!glob("/k?y", "/k/y"));
        assert!(!glob("/a", "/a/b"), "anchored at the end");
        assert!(!glob("a", "/a"), "anchored at the start");
    }

    #[test]
    fn malformed_selectors_are_named() {
        let cases = [
            ("kv", "selector `kv` has no kind: expected `tag:NAME`, `path:GLOB` or `operation:ID`"),
            ("tag:", "selector `tag:` is empty: expected `tag:NAME`, `path:GLOB` or `operation:ID`"),
            (
                "method:get",
                "selector `method:get` has an unknown kind `method`: expected `tag:NAME`, `path:GLOB` or `operation:ID`",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_selector(text).unwrap_err(), expected);
        }
    }

    fn doc(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn prune_follows_refs_through_components_and_keeps_security_schemes() {
        let mut value = doc(r##"
paths:
  /a:
    get:
      responses:
        '200': {$ref: '#/components/responses/Ok'}
components:
  responses:
    Ok:
      description: ok
      content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}
    Unused: {description: no}
  schemas:
    A: {discriminator: {propertyName: k, mapping: {b: '#/components/schemas/B', c: C}}}
    B: {properties: {x: {$ref: '#/components/schemas/A/properties/y'}}}
    C: {type: string}
    D: {$ref: '#/components/schemas/E'}
    E: {type: string}
  securitySchemes:
    token: {type: http, scheme: bearer}
"##);
        prune(&mut value);
        let components = &value["components"];
        let names = |section: &str| -> Vec<String> {
            components[section]
                .as_mapping()
                .unwrap()
                .keys()
                .map(|k| k.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names("responses"), ["Ok"]);
        assert_eq!(names("schemas"), ["A", "B", "C"]);
        assert_eq!(names("securitySchemes"), ["token"]);
    }

    use proptest::prelude::*;

    /// A reference to one of five schemas, some of which do not exist.
    fn reference() -> impl Strategy<Value = serde_json::Value> {
        (0..6u8).prop_map(|n| serde_json::json!({"$ref": format!("#/components/schemas/S{n}")}))
    }

    /// A document of up to four paths whose operations and schemas refer to schemas at
    /// random (cycles included), with a stray node or two of the wrong shape.
    fn document() -> impl Strategy<Value = Value> {
        let operation = (0..3u8, 0..4u8, prop::collection::vec(reference(), 0..3));
        let item = prop::collection::btree_map(
            prop_oneof![Just("get"), Just("put"), Just("delete"), Just("parameters")],
            operation,
            0..4,
        );
        let paths = prop::collection::btree_map("/[ab]{1,2}(/[ab])?", item, 0..4);
        let schemas = prop::collection::btree_map(
            (0..5u8).prop_map(|n| format!("S{n}")),
            prop::collection::vec(reference(), 0..3),
            0..5,
        );
        (paths, schemas, any::<bool>()).prop_map(|(paths, schemas, stray)| {
            let paths: serde_json::Map<String, serde_json::Value> = paths
                .into_iter()
                .map(|(path, item)| {
                    let item: serde_json::Map<String, serde_json::Value> = item
                        .into_iter()
                        .map(|(method, (tag, id, refs))| {
                            let op = serde_json::json!({
                                "tags": [format!("t{tag}")],
                                "operationId": format!("op{id}"),
                                "responses": {"200": {"content": {"a/b": {"schema": {"allOf": refs}}}}},
                            });
                            (method.to_owned(), op)
                        })
                        .collect();
                    (path, serde_json::Value::Object(item))
                })
                .collect();
            let schemas: serde_json::Map<String, serde_json::Value> = schemas
                .into_iter()
                .map(|(name, refs)| (name, serde_json::json!({"anyOf": refs})))
                .collect();
            let mut doc = serde_json::json!({"paths": paths, "components": {"schemas": schemas}});
            if stray {
                doc["paths"]["/stray"] = serde_json::json!([1, 2]);
                doc["components"]["responses"] = serde_json::json!("not a map");
            }
            serde_yaml::to_value(doc).unwrap()
        })
    }

    /// Every `#/components/schemas/…` reference in the document.
    fn schema_refs(doc: &Value) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![doc];
        while let Some(node) = stack.pop() {
            match node {
                Value::Mapping(map) => {
                    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                        found.push(r.trim_start_matches("#/components/schemas/").to_owned());
                    }
                    stack.extend(map.values());
                }
                Value::Sequence(items) => stack.extend(items),
                _ => {}
            }
        }
        found
    }

    fn schema_names(doc: &Value) -> HashSet<String> {
        doc.get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_mapping)
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    proptest! {
        /// Selection and pruning never break a reference that resolved before, never keep
        /// an operation a selector excludes, and count what they keep.
        #[test]
        fn selection_keeps_every_reference_it_leaves_resolvable(
            mut doc in document(),
            include in prop::collection::vec(
                prop_oneof![Just("tag:t0"), Just("operation:op1"), Just("path:/a/**"), Just("path:/b*")],
                0..3,
            ),
            exclude in prop::option::of(Just("tag:t2")),
        ) {
            let before = schema_names(&doc);
            let include: Vec<String> = include.into_iter().map(str::to_owned).collect();
            let exclude: Vec<String> = exclude.into_iter().map(str::to_owned).collect();
            let mut diags = Diagnostics::default();
            let mut selection = Selection::parse(&include, &exclude, &mut diags).unwrap().unwrap_or(
                Selection { include: Vec::new(), exclude: Vec::new() },
            );
            let counts = selection.apply(&mut doc, &mut diags);
            prune(&mut doc);
            let after = schema_names(&doc);
            for name in schema_refs(&doc) {
                prop_assert!(!before.contains(&name) || after.contains(&name), "{name} pruned");
            }
            let items = doc.get("paths").and_then(Value::as_mapping).into_iter().flat_map(Mapping::values);
            for item in items.filter_map(Value::as_mapping) {
                for method in METHODS {
                    let tags = item.get(method).and_then(|op| op.get("tags"));
                    let excluded = tags.is_some_and(|t| t[0].as_str() == Some("t2"));
                    prop_assert!(exclude.is_empty() || !excluded, "{item:?}");
                }
            }
            prop_assert!(counts.selected <= counts.total);
        }
    }
}
