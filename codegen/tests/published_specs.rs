//! Specs as their owners publish them: the same random API written as OpenAPI 3.1, or split
//! over files, generates what its single-file 3.0 form does; hazardous ones never panic.

// Tests may unwrap: a failure here is a test failure, not user input.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../examples/random_specs.rs"]
mod random_specs;

use kv_codegen::{generate, generate_file, Config, Output};
use proptest::prelude::*;
use random_specs::{clean_documents, hazardous_document, schema};
use serde_json::{json, Map, Value};
use std::path::Path;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_31_rewrite_generates_what_the_30_document_does(doc in clean_documents()) {
        let v30 = generate(&doc.to_string(), &config());
        let v31 = generate(&rewrite_31(&doc).to_string(), &config());
        prop_assert_eq!(outcome(v30), outcome(v31));
    }

    #[test]
    fn a_split_spec_generates_what_the_single_file_does(doc in clean_documents()) {
        let dir = tempfile::tempdir().unwrap();
        let root = split(&doc, dir.path());
        let whole = generate(&doc.to_string(), &config());
        let split = generate_file(&root, &config());
        prop_assert_eq!(outcome(whole), outcome(split));
    }

    #[test]
    fn hazardous_specs_never_panic_split_or_as_31(
        schemas in prop::collection::vec(schema(true), 2..4),
        param in schema(true),
        body in schema(true),
        response in schema(true),
    ) {
        let doc = hazardous_document(schemas, param, body, response, "query");
        let dir = tempfile::tempdir().unwrap();
        let root = split(&doc, dir.path());
        for result in [generate_file(&root, &config()), generate(&rewrite_31(&doc).to_string(), &config())] {
            if let Err(diags) = &result {
                prop_assert!(
                    !diags.iter().any(|d| d.kind == kv_codegen::Kind::Internal),
                    "{:?}", diags
                );
            }
        }
    }
}

fn config() -> Config {
    Config {
        source_name: "x".to_owned(),
        ..Config::default()
    }
}

/// What a generation gave, comparable across forms of one spec: the code without its
/// header's spec hash (of the text), or that it failed.
fn outcome(result: Result<Output, Vec<kv_codegen::Diagnostic>>) -> Option<String> {
    let code = result.ok()?.code;
    let hash = kv_codegen::SPEC_HASH_PREFIX;
    Some(
        code.lines()
            .filter(|l| !l.starts_with(hash))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The 3.1 way of saying what a 3.0 document says.
fn rewrite_31(doc: &Value) -> Value {
    let mut doc = doc.clone();
    doc["openapi"] = json!("3.1.0");
    rewrite_schemas(&mut doc, false);
    doc
}

/// Walks every object; in a schema, 3.0's words become 3.1's.
fn rewrite_schemas(value: &mut Value, in_schema: bool) {
    match value {
        Value::Object(map) => {
            if in_schema {
                schema_31(map);
            }
            for (key, child) in map.iter_mut() {
                let schema = matches!(
                    key.as_str(),
                    "schema" | "items" | "not" | "additionalProperties"
                ) || (in_schema
                    && matches!(key.as_str(), "properties" | "allOf" | "anyOf" | "oneOf"))
                    || key == "schemas";
                let container = matches!(
                    key.as_str(),
                    "properties" | "allOf" | "anyOf" | "oneOf" | "schemas"
                );
                if container && schema {
                    each(child, |c| rewrite_schemas(c, true));
                } else if !key.starts_with("x-")
                    && key != "example"
                    && key != "enum"
                    && key != "default"
                {
                    rewrite_schemas(child, schema);
                }
            }
        }
        Value::Array(items) if !in_schema => {
            items.iter_mut().for_each(|i| rewrite_schemas(i, false))
        }
        _ => {}
    }
}

fn each(value: &mut Value, mut f: impl FnMut(&mut Value)) {
    match value {
        Value::Object(map) => map.values_mut().for_each(&mut f),
        Value::Array(items) => items.iter_mut().for_each(&mut f),
        _ => {}
    }
}

/// One schema in 3.1's words: nullable types as lists, examples as lists, numeric
/// exclusive bounds, binary and base64 as content keywords; a reference's siblings (which
/// 3.0 ignores) dropped.
fn schema_31(map: &mut Map<String, Value>) {
    if map.contains_key("$ref") {
        map.retain(|k, _| k == "$ref");
        return;
    }
    let nullable = map.get("nullable") == Some(&json!(true));
    if let (true, Some(Value::String(ty))) = (nullable, map.get("type").cloned()) {
        map.remove("nullable");
        map.insert("type".into(), json!([ty, "null"]));
    }
    if let Some(example) = map.remove("example") {
        map.insert("examples".into(), json!([example]));
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match (map.get(flag).cloned(), map.get(bound).cloned()) {
            (Some(Value::Bool(true)), Some(limit)) => {
                map.remove(bound);
                map.insert(flag.into(), limit);
            }
            (Some(Value::Bool(_)), _) => {
                map.remove(flag);
            }
            _ => {}
        }
    }
    match map.get("format").and_then(Value::as_str) {
        Some("binary") => {
            map.remove("format");
            map.insert("contentMediaType".into(), json!("application/octet-stream"));
        }
        Some("byte") => {
            map.remove("format");
            map.insert("contentEncoding".into(), json!("base64"));
        }
        _ => {}
    }
}

/// Writes `doc` into `dir` as a root file whose component schemas each live in a file of
/// their own (`schemas/<name>.json`), every reference to them by relative path. Returns the
/// root file's path.
fn split(doc: &Value, dir: &Path) -> std::path::PathBuf {
    let mut root = doc.clone();
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    let names: Vec<String> = root["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in &names {
        let mut schema = root["components"]["schemas"][name].take();
        retarget(&mut schema, &names, "");
        std::fs::write(dir.join(format!("schemas/{name}.json")), schema.to_string()).unwrap();
        root["components"]["schemas"][name] = json!({"$ref": format!("schemas/{name}.json")});
    }
    let components = root["components"].take();
    retarget(&mut root, &names, "schemas/");
    root["components"] = components;
    let path = dir.join("api.json");
    std::fs::write(&path, root.to_string()).unwrap();
    path
}

/// Points every `#/components/schemas/<name>` reference at `<prefix><name>.json`.
fn retarget(value: &mut Value, names: &[String], prefix: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .map(str::to_owned);
                if let Some(name) = name.filter(|n| names.contains(n)) {
                    *reference = format!("{prefix}{name}.json");
                }
            }
            map.values_mut().for_each(|v| retarget(v, names, prefix));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget(v, names, prefix)),
        _ => {}
    }
}

/// A component whose file refers to itself (`s1.json` is `$ref: s1.json`): what the single
/// file says with `s1: {$ref: '#/components/schemas/s1'}`, reported at the file, not a
/// stack overflow (found by the split property on CI).
#[test]
fn a_schema_file_that_refers_to_itself_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
    std::fs::write(dir.path().join("schemas/s1.json"), r#"{"$ref":"s1.json"}"#).unwrap();
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"get": {
            "operationId": "get-thing",
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "schemas/s1.json"}}}}}
        }}},
        "components": {"schemas": {"s1": {"$ref": "schemas/s1.json"}}}
    });
    let root = dir.path().join("api.json");
    std::fs::write(&root, doc.to_string()).unwrap();
    let partial = Config {
        allow_partial: true,
        ..config()
    };
    let output = generate_file(&root, &partial).unwrap();
    let shown: Vec<String> = output
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.pointer, d.message))
        .collect();
    assert_eq!(
        shown,
        [
            "schemas/s1.json# schema `s1` is only a reference to itself: it describes no value",
            "#/paths/~1things/get operation `get-thing` is left out: it uses `s1`: schema `s1` is only a reference to itself: it describes no value (at #/components/schemas/s1)",
        ]
    );
    assert_eq!(output.operations, 0);
    assert_eq!(output.left_out.len(), 1);
}
