//! Phase 1: text (YAML or JSON) → `openapiv3::OpenAPI`, refusing anything but OpenAPI 3.0.x.
//!
//! The text is read into a tree first, the [`guard`](crate::guard) checks its schemas one node
//! at a time, and only then does `openapiv3` read the whole: loading stays linear in the input.

use crate::diagnostics::{Diagnostics, Kind};
use openapiv3::OpenAPI;

/// Parses `text` as an OpenAPI 3.0 document. Problems go into `diags`; `None` means stop.
pub fn load(text: &str, diags: &mut Diagnostics) -> Option<OpenAPI> {
    let mut value = parse(text, diags)?;
    check_version(&value, diags)?;
    crate::guard::guard(&mut value);
    match serde_yaml::from_value::<OpenAPI>(value) {
        Ok(doc) => Some(doc),
        Err(err) => {
            let message = format!("not an OpenAPI 3.0 document: {err}");
            diags.error(Kind::Syntax, "#", message);
            None
        }
    }
}

/// The text as a tree. JSON (the form large specs are published in) is read by serde_json,
/// several times faster than a YAML parser; YAML's mappings keep their order either way.
fn parse(text: &str, diags: &mut Diagnostics) -> Option<serde_yaml::Value> {
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str(text) {
            return Some(value);
        }
        // Not strict JSON (comments, trailing commas…): YAML may still read it.
    }
    match serde_yaml::from_str(text) {
        Ok(value) => Some(value),
        Err(err) => {
            diags.error(
                Kind::Syntax,
                location(&err),
                format!("not valid YAML or JSON: {err}"),
            );
            None
        }
    }
}

/// The position serde_yaml reports, as a pseudo-pointer (the text has no tree yet).
fn location(err: &serde_yaml::Error) -> String {
    match err.location() {
        Some(loc) => format!("# (line {}, column {})", loc.line(), loc.column()),
        None => "#".to_owned(),
    }
}

/// Accepts `openapi: 3.0.x` only; 3.1 changed the schema dialect and Swagger 2 is another format.
fn check_version(value: &serde_yaml::Value, diags: &mut Diagnostics) -> Option<()> {
    let version = value.get("openapi").and_then(version_text);
    match version {
        Some(v) if v == "3.0" || v.starts_with("3.0.") => Some(()),
        Some(v) => {
            let message = format!(
                "OpenAPI version {v} is not supported: kv-codegen reads OpenAPI 3.0.x documents"
            );
            diags.error(Kind::Version, "#/openapi", message);
            None
        }
        None if value.get("swagger").is_some() => {
            let message = "Swagger 2.0 documents are not supported: convert to OpenAPI 3.0.x";
            diags.error(Kind::Version, "#/swagger", message);
            None
        }
        None => {
            let message = "missing `openapi` version field: expected `openapi: 3.0.x`";
            diags.error(Kind::Version, "#", message);
            None
        }
    }
}

/// The version as text, whether YAML read it as a string or (for `3.0`) as a number.
fn version_text(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
