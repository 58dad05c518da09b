//! Overlays: OpenAPI Overlay 1.0 and 1.1 documents applied to the spec's tree, in order.
//!
//! An overlay is a list of actions, each a JSONPath (RFC 9535) `target` and one change:
//! - `remove: true` deletes every node the target selects from its parent;
//! - `update: VALUE` merges VALUE into each selected node: into an object key by key,
//!   recursively (a primitive replaces a primitive, an array is appended to an array, an
//!   object is merged into an object); onto an array it is appended (an array value is
//!   concatenated); a primitive node is replaced;
//! - `copy: JSONPATH` (1.1) takes the one node that path selects and merges it like `update`.
//!
//! Two liberties with the specification's "incompatible" combinations, both of which its own
//! examples write: a `null` update over an object or array leaves it as it is (`components:`
//! written empty), and a `null` in the document is replaced by whatever the update gives.
//!
//! JSONPath is evaluated by `serde_json_path` on a `serde_json` copy of the tree; the changes
//! are made to our tree (which keeps the order of keys) at the normalized paths the query
//! returns, and the copy is brought up to date node by node, so that every action sees the
//! document as the actions before it left it without converting the whole of it again.

use super::parse;
use crate::diagnostics::{Diagnostics, Kind};
use serde_json_path::{JsonPath, PathElement};
use serde_yaml::Value;
use std::path::PathBuf;

/// One step of a normalized path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Key(String),
}

/// What an action does.
#[derive(Debug)]
enum Change {
    Remove,
    Update(Value),
    Copy(JsonPath),
}

/// One action, checked.
#[derive(Debug)]
struct Action {
    /// Its index in `actions`.
    index: usize,
    /// The target as written, for messages.
    text: String,
    target: JsonPath,
    change: Change,
}

/// Where an action's problems are reported: the overlay file and the action's index.
struct Place<'a> {
    file: &'a str,
    index: usize,
}

impl Place<'_> {
    /// `<file>#/actions/<index><suffix>`.
    fn at(&self, suffix: &str) -> String {
        format!("{}#/actions/{}{suffix}", self.file, self.index)
    }
}

/// Reads each overlay file (relative to the current directory) and applies it to `doc`, in
/// order; each file read is pushed onto `files`. `None` means stop: an overlay that cannot
/// be read or is malformed refuses the generation.
pub(crate) fn apply_files(
    doc: &mut Value,
    overlays: &[PathBuf],
    files: &mut Vec<PathBuf>,
    diags: &mut Diagnostics,
) -> Option<()> {
    for path in overlays {
        files.push(path.clone());
        let name = path.display().to_string();
        let text = match super::read_text(path) {
            Ok(text) => text,
            Err(err) => {
                let message = format!("cannot read the overlay {name}: {err}");
                diags.error(Kind::Syntax, format!("{name}#"), message);
                return None;
            }
        };
        let overlay = parse::parse(&text, &name, diags)?;
        apply(doc, &overlay, &name, diags)?;
    }
    Some(())
}

/// Applies one overlay document (`file` names it in diagnostics). Every action is checked
/// before the first is applied.
pub(crate) fn apply(
    doc: &mut Value,
    overlay: &Value,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<()> {
    let actions = read_overlay(overlay, file, diags)?;
    let mut json = to_json(doc, file, diags)?;
    for action in &actions {
        let place = Place {
            file,
            index: action.index,
        };
        apply_action(doc, &mut json, action, &place, diags)?;
    }
    Some(())
}

fn to_json(value: &Value, file: &str, diags: &mut Diagnostics) -> Option<serde_json::Value> {
    match serde_json::to_value(value) {
        Ok(json) => Some(json),
        Err(err) => {
            let message = format!("the document cannot be queried by JSONPath: {err}");
            diags.error(Kind::Invalid, format!("{file}#"), message);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading the overlay document.

/// The actions of a well-formed overlay; every problem of it is an error.
fn read_overlay(overlay: &Value, file: &str, diags: &mut Diagnostics) -> Option<Vec<Action>> {
    let version = check_header(overlay, file, diags)?;
    let Some(list) = overlay.get("actions").and_then(Value::as_sequence) else {
        let message = "an overlay needs `actions`: a list of at least one action";
        diags.error(Kind::Invalid, format!("{file}#/actions"), message);
        return None;
    };
    if list.is_empty() {
        let message = "`actions` is empty: an overlay needs at least one action";
        diags.error(Kind::Invalid, format!("{file}#/actions"), message);
        return None;
    }
    let mut actions = Vec::with_capacity(list.len());
    let mut ok = true;
    for (index, value) in list.iter().enumerate() {
        let place = Place { file, index };
        match read_action(value, &place, version, diags) {
            Some(action) => actions.push(action),
            None => ok = false,
        }
    }
    ok.then_some(actions)
}

/// Checks `overlay` (1.0.x or 1.1.x) and `info`; returns the minor version.
fn check_header(overlay: &Value, file: &str, diags: &mut Diagnostics) -> Option<u32> {
    if !overlay.is_mapping() {
        let message = "not an OpenAPI Overlay document: expected a mapping with `overlay`, `info` and `actions`";
        diags.error(Kind::Syntax, format!("{file}#"), message);
        return None;
    }
    let version = match overlay.get("overlay") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            let message = "not an OpenAPI Overlay document: no `overlay` version field (expected `overlay: 1.0.0` or `1.1.0`)";
            diags.error(Kind::Syntax, format!("{file}#"), message);
            return None;
        }
    };
    let minor = match version.split('.').collect::<Vec<_>>().as_slice() {
        ["1", "0", ..] => 0,
        ["1", "1", ..] => 1,
        _ => {
            let message = format!(
                "Overlay version {version} is not supported: kv-codegen applies Overlay 1.0.x and 1.1.x"
            );
            diags.error(Kind::Version, format!("{file}#/overlay"), message);
            return None;
        }
    };
    let info = overlay.get("info");
    let has = |key: &str| info.and_then(|i| i.get(key)).is_some_and(is_scalar);
    if !(has("title") && has("version")) {
        let message = "an overlay's `info` needs a `title` and a `version`";
        diags.error(Kind::Invalid, format!("{file}#/info"), message);
        return None;
    }
    Some(minor)
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// One action, or `None` after reporting what is wrong with it.
fn read_action(
    value: &Value,
    place: &Place<'_>,
    minor: u32,
    diags: &mut Diagnostics,
) -> Option<Action> {
    let Some(map) = value.as_mapping() else {
        diags.error(Kind::Invalid, place.at(""), "an action must be a mapping");
        return None;
    };
    warn_unknown_fields(map, place, diags);
    let text = match map.get("target") {
        Some(Value::String(text)) => text.clone(),
        _ => {
            let message = "an action needs a `target`: a JSONPath query such as `$.paths`";
            diags.error(Kind::Invalid, place.at(""), message);
            return None;
        }
    };
    let target = parse_path(&text, place, "/target", diags)?;
    let change = read_change(map, place, minor, diags)?;
    Some(Action {
        index: place.index,
        text,
        target,
        change,
    })
}

fn parse_path(
    text: &str,
    place: &Place<'_>,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<JsonPath> {
    match JsonPath::parse(text) {
        Ok(path) => Some(path),
        Err(err) => {
            let message = format!("`{text}` is not a JSONPath query (RFC 9535): {err}");
            diags.error(Kind::Invalid, place.at(field), message);
            None
        }
    }
}

/// The fields an action may have besides `x-` extensions.
const ACTION_FIELDS: [&str; 5] = ["target", "description", "update", "remove", "copy"];

fn warn_unknown_fields(map: &serde_yaml::Mapping, place: &Place<'_>, diags: &mut Diagnostics) {
    for key in map.keys() {
        let key = key.as_str().unwrap_or_default();
        if !ACTION_FIELDS.contains(&key) && !key.starts_with("x-") {
            let message = format!("`{key}` is not a field of an overlay action; ignored");
            diags.warn(
                Kind::Ignored,
                place.at(&format!("/{}", escape(key))),
                message,
            );
        }
    }
}

/// `remove: true` wins over the others (as the specification says); `update` and `copy`
/// together are refused, the specification giving neither precedence.
fn read_change(
    map: &serde_yaml::Mapping,
    place: &Place<'_>,
    minor: u32,
    diags: &mut Diagnostics,
) -> Option<Change> {
    let remove = match map.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(_) => {
            let message = "`remove` must be `true` or `false`";
            diags.error(Kind::Invalid, place.at("/remove"), message);
            return None;
        }
    };
    let update = map.get("update");
    let copy = map.get("copy");
    match (remove, update, copy) {
        (true, _, _) => Some(Change::Remove),
        (false, Some(_), Some(_)) => {
            let message = "an action has both `update` and `copy`: give one of them";
            diags.error(Kind::Invalid, place.at(""), message);
            None
        }
        (false, Some(update), None) => Some(Change::Update(update.clone())),
        (false, None, Some(copy)) => read_copy(copy, place, minor, diags),
        (false, None, None) => {
            let message = "an action needs `update`, `remove: true` or `copy`";
            diags.error(Kind::Invalid, place.at(""), message);
            None
        }
    }
}

fn read_copy(
    copy: &Value,
    place: &Place<'_>,
    minor: u32,
    diags: &mut Diagnostics,
) -> Option<Change> {
    let Some(text) = copy.as_str() else {
        let message = "`copy` must be a JSONPath query selecting the node to copy";
        diags.error(Kind::Invalid, place.at("/copy"), message);
        return None;
    };
    if minor == 0 {
        let message =
            "`copy` is an Overlay 1.1 action and this overlay declares 1.0; applied anyway";
        diags.warn(Kind::Ignored, place.at("/copy"), message);
    }
    parse_path(text, place, "/copy", diags).map(Change::Copy)
}

// ---------------------------------------------------------------------------------------
// Applying an action.

fn apply_action(
    doc: &mut Value,
    json: &mut serde_json::Value,
    action: &Action,
    place: &Place<'_>,
    diags: &mut Diagnostics,
) -> Option<()> {
    let mut targets = locate(&action.target, json);
    if targets.is_empty() {
        let message = format!(
            "target `{}` matches nothing; the action changes nothing",
            action.text
        );
        diags.warn(Kind::Ignored, place.at(""), message);
        return Some(());
    }
    match &action.change {
        Change::Remove => remove_all(doc, json, &mut targets, place, diags),
        Change::Update(value) => {
            update_all(doc, json, &targets, value, &place.at("/update"), diags)
        }
        Change::Copy(source) => {
            let value = copy_source(doc, json, source, place, diags)?;
            update_all(doc, json, &targets, &value, &place.at("/copy"), diags)
        }
    }
}

/// The normalized paths a query selects, as owned steps.
fn locate(path: &JsonPath, json: &serde_json::Value) -> Vec<Vec<Step>> {
    path.query_located(json)
        .into_iter()
        .map(|node| {
            let steps = node.location().iter().map(|element| match element {
                PathElement::Name(name) => Step::Key((*name).to_owned()),
                PathElement::Index(index) => Step::Index(*index),
            });
            steps.collect()
        })
        .collect()
}

/// The one node `source` selects, from our tree (whose keys keep their order).
fn copy_source(
    doc: &Value,
    json: &serde_json::Value,
    source: &JsonPath,
    place: &Place<'_>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let found = locate(source, json);
    let node = match found.as_slice() {
        [only] => yaml_at(doc, only),
        _ => None,
    };
    if node.is_none() {
        let message = format!(
            "the `copy` source selects {} node(s): it must select exactly one",
            found.len()
        );
        diags.error(Kind::Invalid, place.at("/copy"), message);
    }
    node.cloned()
}

/// Removes every target, deepest and highest-indexed first so that no removal moves
/// another target.
fn remove_all(
    doc: &mut Value,
    json: &mut serde_json::Value,
    targets: &mut Vec<Vec<Step>>,
    place: &Place<'_>,
    diags: &mut Diagnostics,
) -> Option<()> {
    targets.sort_unstable();
    targets.dedup();
    for target in targets.iter().rev() {
        let Some((last, parent)) = target.split_last() else {
            let message = "`remove` cannot remove the whole document (target `$`)";
            diags.error(Kind::Invalid, place.at("/target"), message);
            return None;
        };
        remove_yaml(doc, parent, last);
        remove_json(json, parent, last);
    }
    Some(())
}

fn remove_yaml(doc: &mut Value, parent: &[Step], last: &Step) {
    match (yaml_at_mut(doc, parent), last) {
        (Some(Value::Mapping(map)), Step::Key(key)) => {
            map.shift_remove(key.as_str());
        }
        (Some(Value::Sequence(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

fn remove_json(json: &mut serde_json::Value, parent: &[Step], last: &Step) {
    match (json_at_mut(json, parent), last) {
        (Some(serde_json::Value::Object(map)), Step::Key(key)) => {
            map.remove(key.as_str());
        }
        (Some(serde_json::Value::Array(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

/// Merges `value` into every target; `field` (`<file>#/actions/3/update`) locates the value.
fn update_all(
    doc: &mut Value,
    json: &mut serde_json::Value,
    targets: &[Vec<Step>],
    value: &Value,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<()> {
    for target in targets {
        let Some(node) = yaml_at_mut(doc, target) else {
            continue;
        };
        if let Err(conflict) = merge_into(node, value) {
            let message = conflict.message(&pointer(target));
            diags.error(
                Kind::Invalid,
                format!("{field}{}", conflict.within),
                message,
            );
            return None;
        }
        // The copy the next queries run on, brought up to date for this node only.
        let fresh = serde_json::to_value(&*node).ok();
        if let (Some(slot), Some(fresh)) = (json_at_mut(json, target), fresh) {
            *slot = fresh;
        }
    }
    Some(())
}

/// An update that does not fit the node it is merged into.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Conflict {
    /// Where in the update value (a pointer suffix, `""` for the value itself).
    within: String,
    /// What the document has there, and what the update gives.
    found: &'static str,
    given: &'static str,
}

impl Conflict {
    fn message(&self, target: &str) -> String {
        let within = self.within.as_str();
        format!(
            "cannot merge {} into {} at `{target}{within}`: an object merges into an object, an array into an array, a primitive replaces a primitive",
            self.given, self.found
        )
    }
}

/// Merges `update` into the selected `node` as an action does: onto an array, an array is
/// concatenated and anything else appended; otherwise as [`merge_property`].
pub(crate) fn merge_into(node: &mut Value, update: &Value) -> Result<(), Conflict> {
    match (node, update) {
        (Value::Sequence(items), Value::Sequence(more)) => items.extend(more.iter().cloned()),
        (Value::Sequence(items), other) if !other.is_null() => items.push(other.clone()),
        (node, update) => merge_property(node, update, &mut String::new())?,
    }
    Ok(())
}

/// The specification's merge: keys only in the node stay, keys only in the update are
/// added, and a key in both merges by kind. `within` is the pointer into the update.
fn merge_property(node: &mut Value, update: &Value, within: &mut String) -> Result<(), Conflict> {
    match (&mut *node, update) {
        (Value::Mapping(map), Value::Mapping(more)) => {
            for (key, value) in more {
                match map.get_mut(key) {
                    Some(existing) => {
                        let len = within.len();
                        within.push('/');
                        within.push_str(&escape(key.as_str().unwrap_or_default()));
                        merge_property(existing, value, within)?;
                        within.truncate(len);
                    }
                    None => {
                        map.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Sequence(items), Value::Sequence(more)) => items.extend(more.iter().cloned()),
        (Value::Mapping(_) | Value::Sequence(_), Value::Null) => {}
        (Value::Null, _) => *node = update.clone(),
        (existing, update) if is_primitive(existing) && is_primitive(update) => {
            *existing = update.clone();
        }
        (existing, update) => {
            return Err(Conflict {
                within: within.clone(),
                found: kind(existing),
                given: kind(update),
            })
        }
    }
    Ok(())
}

fn is_primitive(value: &Value) -> bool {
    !matches!(
        value,
        Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_)
    )
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Mapping(_) => "an object",
        Value::Sequence(_) => "an array",
        Value::Tagged(_) => "a tagged value",
        _ => "a primitive",
    }
}

// ---------------------------------------------------------------------------------------
// Paths into both trees.

fn yaml_at<'v>(mut node: &'v Value, path: &[Step]) -> Option<&'v Value> {
    for step in path {
        node = match (node, step) {
            (Value::Mapping(map), Step::Key(key)) => map.get(key.as_str())?,
            (Value::Sequence(items), Step::Index(index)) => items.get(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

fn yaml_at_mut<'v>(mut node: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    for step in path {
        node = match (node, step) {
            (Value::Mapping(map), Step::Key(key)) => map.get_mut(key.as_str())?,
            (Value::Sequence(items), Step::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

fn json_at_mut<'v>(
    mut node: &'v mut serde_json::Value,
    path: &[Step],
) -> Option<&'v mut serde_json::Value> {
    for step in path {
        node = match (node, step) {
            (serde_json::Value::Object(map), Step::Key(key)) => map.get_mut(key.as_str())?,
            (serde_json::Value::Array(items), Step::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The JSON pointer of a document node: `#/paths/~1a/get`.
fn pointer(path: &[Step]) -> String {
    let mut text = String::from("#");
    for step in path {
        text.push('/');
        match step {
            Step::Key(key) => text.push_str(&escape(key)),
            Step::Index(index) => text.push_str(&index.to_string()),
        }
    }
    text
}

/// One JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use crate::diagnostics::Severity;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    fn merged(node: &str, update: &str) -> Result<Value, Conflict> {
        let mut node = yaml(node);
        merge_into(&mut node, &yaml(update)).map(|()| node)
    }

    #[test]
    fn objects_merge_key_by_key_and_recursively() {
        let result = merged(
            "{a: 1, b: {c: 2, d: [x]}, keep: k}",
            "{a: 10, b: {d: [y], e: 3}, new: n}",
        );
        assert_eq!(
            result.unwrap(),
            yaml("{a: 10, b: {c: 2, d: [x, y], e: 3}, keep: k, new: n}")
        );
    }

    #[test]
    fn onto_an_array_an_array_is_concatenated_and_anything_else_appended() {
        assert_eq!(merged("[1]", "[2, 3]").unwrap(), yaml("[1, 2, 3]"));
        assert_eq!(merged("[1]", "{a: b}").unwrap(), yaml("[1, {a: b}]"));
        assert_eq!(merged("[1]", "2").unwrap(), yaml("[1, 2]"));
    }

    #[test]
    fn a_primitive_replaces_a_primitive() {
        assert_eq!(merged("old", "new").unwrap(), yaml("new"));
        assert_eq!(merged("{a: 1}", "{a: true}").unwrap(), yaml("{a: true}"));
    }

    #[test]
    fn null_leaves_containers_alone_and_is_replaced() {
        assert_eq!(
            merged("{a: {b: 1}, c: [1]}", "{a: null, c: null}").unwrap(),
            yaml("{a: {b: 1}, c: [1]}")
        );
        assert_eq!(
            merged("{a: null}", "{a: {b: 1}}").unwrap(),
            yaml("{a: {b: 1}}")
        );
    }

    #[test]
    fn other_combinations_are_conflicts_that_say_where() {
        let conflict = merged("{a: {b: [1]}}", "{a: {b: {c: 1}}}").unwrap_err();
        assert_eq!(
            conflict.message("#/x"),
            "cannot merge an object into an array at `#/x/a/b`: an object merges into an object, an array into an array, a primitive replaces a primitive"
        );
        assert_eq!(conflict.within, "/a/b");
        assert!(merged("{a: 1}", "[1]").is_err());
        assert!(merged("x", "{a: 1}").is_err());
        assert!(merged("{a~b/c: [1]}", "{a~b/c: 2}").unwrap_err().within == "/a~0b~1c");
    }

    fn run(doc: &str, overlay: &str) -> (Option<Value>, Vec<String>) {
        let mut doc = yaml(doc);
        let mut diags = Diagnostics::default();
        let applied = apply(&mut doc, &yaml(overlay), "o.yaml", &mut diags);
        let lines = diags
            .items()
            .iter()
            .map(|d| {
                let label = if d.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                format!("{label} {}: {}", d.pointer, d.message)
            })
            .collect();
        (applied.map(|()| doc), lines)
    }

    const HEADER: &str = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn removes_several_array_elements_and_nested_targets() {
        let overlay = format!(
            "{HEADER}actions:\n- {{target: '$.list[?@.drop]', remove: true}}\n- {{target: '$..gone', remove: true}}\n"
        );
        let (doc, lines) = run(
            "{list: [{n: 0}, {n: 1, drop: true}, {n: 2}, {n: 3, drop: true}], a: {gone: {gone: 1}}}",
            &overlay,
        );
        assert_eq!(lines, Vec::<String>::new());
        assert_eq!(doc.unwrap(), yaml("{list: [{n: 0}, {n: 2}], a: {}}"));
    }

    #[test]
    fn each_action_sees_the_changes_before_it() {
        let overlay = format!(
            "{HEADER}actions:\n- {{target: '$.a', update: {{b: {{c: 1}}}}}}\n- {{target: '$.a.b', update: {{d: 2}}}}\n- {{target: '$.a.b.c', update: 5}}\n- {{target: '$.x', copy: '$.a.b'}}\n"
        );
        let (doc, lines) = run("{a: {}, x: {y: 0}}", &overlay);
        assert_eq!(lines, Vec::<String>::new());
        assert_eq!(
            doc.unwrap(),
            yaml("{a: {b: {c: 5, d: 2}}, x: {y: 0, c: 5, d: 2}}")
        );
    }

    #[test]
    fn a_target_matching_nothing_is_a_warning_with_its_index() {
        let overlay = format!("{HEADER}actions:\n- {{target: '$.a', update: {{b: 1}}}}\n- {{target: '$.none', remove: true}}\n");
        let (doc, lines) = run("{a: {}}", &overlay);
        assert_eq!(doc.unwrap(), yaml("{a: {b: 1}}"));
        assert_eq!(
            lines,
            ["warning o.yaml#/actions/1: target `$.none` matches nothing; the action changes nothing"]
        );
    }

    #[test]
    fn malformed_overlays_are_errors_pointing_into_the_file() {
        let cases = [
            ("openapi: 3.0.0", "error o.yaml#: not an OpenAPI Overlay document: no `overlay` version field (expected `overlay: 1.0.0` or `1.1.0`)"),
            ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]", "error o.yaml#/overlay: Overlay version 2.0.0 is not supported: kv-codegen applies Overlay 1.0.x and 1.1.x"),
            ("overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $, remove: true}]", "error o.yaml#/info: an overlay's `info` needs a `title` and a `version`"),
            ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []", "error o.yaml#/actions: `actions` is empty: an overlay needs at least one action"),
        ];
        for (overlay, expected) in cases {
            let (doc, lines) = run("{a: 1}", overlay);
            assert!(doc.is_none(), "{overlay}");
            assert_eq!(lines, [expected], "{overlay}");
        }
        let actions = [
            ("{target: '$.a', description: d}", "error o.yaml#/actions/3: an action needs `update`, `remove: true` or `copy`"),
            ("{target: '$.a', update: 1, copy: '$.b'}", "error o.yaml#/actions/3: an action has both `update` and `copy`: give one of them"),
            ("{target: '$.a', remove: 'yes'}", "error o.yaml#/actions/3/remove: `remove` must be `true` or `false`"),
            ("{update: 1}", "error o.yaml#/actions/3: an action needs a `target`: a JSONPath query such as `$.paths`"),
            ("{target: '$', remove: true}", "error o.yaml#/actions/3/target: `remove` cannot remove the whole document (target `$`)"),
            ("{target: '$.a', copy: '$.*'}", "error o.yaml#/actions/3/copy: the `copy` source selects 2 node(s): it must select exactly one"),
            ("{target: '$.a', update: [1]}", "error o.yaml#/actions/3/update: cannot merge an array into a primitive at `#/a`: an object merges into an object, an array into an array, a primitive replaces a primitive"),
        ];
        for (action, expected) in actions {
            let filler = "{target: '$.b', update: 2}";
            let overlay = format!("{HEADER}actions: [{filler}, {filler}, {filler}, {action}]");
            let (doc, lines) = run("{a: 1, b: 2}", &overlay);
            assert!(doc.is_none(), "{action}");
            assert_eq!(lines, [expected], "{action}");
        }
    }

    #[test]
    fn a_bad_jsonpath_is_an_error_at_its_field() {
        let overlay = format!("{HEADER}actions: [{{target: '$.a[', remove: true}}]");
        let (doc, lines) = run("{a: 1}", &overlay);
        assert!(doc.is_none());
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with(
                "error o.yaml#/actions/0/target: `$.a[` is not a JSONPath query (RFC 9535): "
            ),
            "{}",
            lines[0]
        );
    }

    use proptest::prelude::*;

    /// Small JSON trees over the keys `a` and `b`.
    fn tree() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            (0..3i64).prop_map(serde_json::Value::from),
            "[ab]".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 32, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(serde_json::Value::from),
                prop::collection::btree_map("[ab]", inner, 0..3)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    const TARGETS: [&str; 6] = ["$..a", "$..[0]", "$.a", "$..*", "$[?@.b]", "$..[?@ == 1]"];

    proptest! {
        /// Any action on any tree gives the changed tree or diagnostics, and a removal leaves
        /// nothing its target selects (all at once: deepest and highest-indexed first).
        #[test]
        fn actions_never_panic_and_removals_remove_everything_targeted(
            doc in tree(),
            target in prop::sample::select(TARGETS.to_vec()),
            change in prop_oneof![
                Just("remove: true".to_owned()),
                tree().prop_map(|v| format!("update: {v}")),
                prop::sample::select(TARGETS.to_vec()).prop_map(|t| format!("copy: '{t}'")),
            ],
        ) {
            let overlay = format!("{HEADER}actions:\n- target: '{target}'\n  {change}\n");
            let (result, _) = run(&doc.to_string(), &overlay);
            // Removing `[0]` makes the next element the first: the one target to leave some.
            let by_index = target == "$..[0]";
            if let (Some(result), true) = (result, change.starts_with("remove") && !by_index) {
                let json = serde_json::to_value(&result).unwrap();
                let left = JsonPath::parse(target).unwrap().query(&json).len();
                prop_assert_eq!(left, 0, "{}", json);
            }
        }
    }
}
