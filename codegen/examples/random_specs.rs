//! Random OpenAPI documents, for the no-panic property test and for the compile check CI runs.
//!
//! `cargo run -p kv-codegen --example random_specs -- COUNT DIR` writes the modules generated
//! from COUNT random (deterministically seeded) documents that kv-codegen accepts into DIR,
//! plus `DIR/all.rs` that includes each as a module; `.ci/run` compiles that file against the
//! SDK runtime under `#![deny(warnings)]` and clippy. The strategies below are shared with
//! `tests/no_panic.rs`. Partial outputs (an operation left out) are compiled too: whatever the
//! generator emits must build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};

/// Schemas a spec may hold that kv-codegen must accept.
fn clean_leaf() -> Vec<Value> {
    vec![
        json!({"type": "string"}),
        json!({"type": "string", "format": "binary"}),
        json!({"type": "integer", "minimum": 1, "maximum": 0}),
        json!({"type": "number", "exclusiveMinimum": true, "minimum": 60}),
        json!({"type": "boolean", "enum": [true]}),
        json!({"type": "string", "enum": ["a", "", "A", "a-b", null], "nullable": true}),
        json!({"type": "string", "pattern": "^[a-z]+$", "maxLength": 3, "x-kv-max-bytes": 9}),
        json!({"$ref": "#/components/schemas/s0"}),
        json!({"$ref": "#/components/schemas/s1"}),
        json!({}),
        json!({"minLength": 2, "items": {}}),
        // What real specs write and kv-codegen reads leniently.
        json!({"example": "023e105f4ecef8ad9ca31a8372d0c353"}),
        json!({"minimum": 1}),
        json!({"default": 20}),
        json!({"enum": ["a", "b"]}),
        json!({"type": "integer", "minimum": 0, "maximum": 9223372036854776000.0_f64}),
        json!({"type": "string", "pattern": "^(?!-)[a-z0-9-]+(?<!-)$"}),
        json!({"oneOf": [{"enum": ["asc"]}, {"enum": ["desc"]}]}),
        json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        json!({"allOf": [{"type": "string", "maxLength": 3}, {"type": "string", "readOnly": true}]}),
    ]
}

/// Schemas kv-codegen must refuse with a diagnostic.
fn hazards() -> Vec<Value> {
    vec![
        json!({"type": "string", "pattern": "(unclosed"}),
        json!({"x-kv-max-json-bytes": -1}),
        json!({"x-kv-bogus": 1}),
        json!({"$ref": "#/components/schemas/missing"}),
        json!({"$ref": "elsewhere.yaml#/x"}),
        json!({"type": "mystery"}),
        json!({"not": {"enum": [".", ".."]}}),
    ]
}

/// Random schema trees over the OpenAPI vocabulary, with references between components (so
/// cycles occur); `with_hazards` mixes in constructs that must be refused.
pub fn schema(with_hazards: bool) -> BoxedStrategy<Value> {
    let mut leaves = clean_leaf();
    if with_hazards {
        leaves.extend(hazards());
    }
    let leaf = proptest::sample::select(leaves);
    leaf.prop_recursive(4, 24, 4, move |inner| {
        let mut shapes = vec![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| json!({"allOf": v})).boxed(),
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| json!({"anyOf": v, "x-kv-max-bytes": 4}))
                .boxed(),
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| json!({"oneOf": v, "nullable": true}))
                .boxed(),
            inner.clone().prop_map(|i| json!({"type": "array", "items": i, "minItems": 1})).boxed(),
            inner.clone().prop_map(|i| json!({"type": "object", "additionalProperties": i})).boxed(),
            (inner.clone(), inner.clone(), any::<bool>())
                .prop_map(|(a, b, req)| {
                    let required = if req { json!(["type", "self"]) } else { json!([]) };
                    json!({"type": "object", "properties": {"type": a, "self": b, "2x": {}}, "required": required})
                })
                .boxed(),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| json!({"allOf": [a], "properties": {"p": b}, "minLength": 1}))
                .boxed(),
            // An envelope: an object and a union of objects, merged variant by variant.
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| json!({"allOf": [
                    {"type": "object", "properties": {"a": a}},
                    {"oneOf": [{"type": "object", "properties": {"b": b}}, {"$ref": "#/components/schemas/s0"}]},
                ]}))
                .boxed(),
            // Branches that only add `required`.
            inner.clone()
                .prop_map(|a| json!({"type": "object", "properties": {"a": a, "b": {}}, "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}))
                .boxed(),
        ];
        if with_hazards {
            shapes.push(inner.prop_map(|i| json!({"not": i})).boxed());
        }
        proptest::strategy::Union::new(shapes)
    })
    .boxed()
}

fn components(schemas: Vec<Value>) -> Map<String, Value> {
    schemas
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("s{i}"), s))
        .collect()
}

/// A document with every kind of hazard around the random schemas: an undeclared path
/// parameter, an undefined security scheme, a bad `encoding` entry, three media types.
pub fn hazardous_document(
    schemas: Vec<Value>,
    param: Value,
    body: Value,
    response: Value,
    location: &str,
) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "random", "version": "1"},
        "paths": {
            "/things/{id}/{other}": {
                "put": {
                    "operationId": "put-thing",
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": param.clone()},
                        {"name": "q", "in": location, "schema": param},
                    ],
                    "requestBody": {"content": {
                        "application/json": {"schema": body.clone()},
                        "application/octet-stream": {"schema": body.clone()},
                        "multipart/form-data": {"schema": body, "encoding": {"nope": {"contentType": "text/plain"}}},
                    }},
                    "responses": {"2XX": {"description": "ok", "content": {"application/json": {"schema": response}}}},
                    "security": [{"undefined_scheme": []}],
                }
            }
        },
        "components": {"schemas": components(schemas)},
    })
}

/// A well-formed document around the random schemas: they stand as components, a JSON body
/// and a response, so that most such documents generate and exercise the emitter. A second
/// operation takes a random schema as its path and query parameters and as a raw and a
/// multipart body: it is generated, or left out with an error, and the first one stays.
pub fn clean_document(schemas: Vec<Value>, body: Value, response: Value, location: &str) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "random", "version": "1"},
        "paths": {"/things/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 9}}],
            "put": {
                "operationId": "put-thing",
                "parameters": [
                    {"name": "q", "in": location, "schema": {"type": "array", "items": {"type": "integer"}}},
                ],
                "requestBody": {"content": {"application/json": {"schema": body.clone()}}},
                "responses": {"2XX": {"description": "ok", "content": {"application/json": {"schema": response}}}},
            },
            "post": {
                "operationId": "post-thing",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": body.clone()},
                    {"name": "q", "in": "query", "schema": body.clone()},
                ],
                "requestBody": {"required": true, "content": {
                    "application/octet-stream": {"schema": body.clone()},
                    "multipart/form-data": {"schema": body},
                }},
                "responses": {"204": {"description": "done"}},
            },
        }},
        "components": {"schemas": components(schemas)},
    })
}

/// Strategy for clean documents.
pub fn clean_documents() -> BoxedStrategy<Value> {
    let location = proptest::sample::select(vec!["query", "header"]);
    (
        prop::collection::vec(schema(false), 2..4),
        schema(false),
        schema(false),
        location,
    )
        .prop_map(|(schemas, body, response, location)| {
            clean_document(schemas, body, response, location)
        })
        .boxed()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let dir = std::path::PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/random-specs".to_owned()),
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the output directory");
    let mut runner = TestRunner::deterministic();
    let strategy = clean_documents();
    let (mut written, mut tried) = (0usize, 0usize);
    let mut all = String::new();
    while written < count && tried < count * 20 {
        tried += 1;
        let doc = strategy
            .new_tree(&mut runner)
            .expect("a document")
            .current();
        let config = kv_codegen::Config {
            source_name: format!("random #{tried}"),
            allow_partial: true,
            ..Default::default()
        };
        if let Ok(output) = kv_codegen::generate(&doc.to_string(), &config) {
            std::fs::write(dir.join(format!("m{written}.rs")), output.code)
                .expect("write a module");
            std::fs::write(dir.join(format!("m{written}.json")), doc.to_string())
                .expect("write a spec");
            all.push_str(&format!(
                "pub mod m{written} {{ include!(\"m{written}.rs\"); }}\n"
            ));
            written += 1;
        }
    }
    std::fs::write(dir.join("all.rs"), &all).expect("write all.rs");
    write_check_crate(&dir, &all);
    println!(
        "{written} modules from {tried} random documents in {}",
        dir.display()
    );
}

/// A crate in DIR that compiles every module against the runtime crate, as the SDK does.
fn write_check_crate(dir: &std::path::Path, modules: &str) {
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let sdk = sdk.canonicalize().expect("the SDK's directory");
    let manifest = format!(
        "[package]\nname = \"random-specs-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n\
         kv-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\nbytes = \"1\"\n",
        sdk.display().to_string()
    );
    let lib = format!(
        "//! Every module generated from a random spec, compiled warning-free.\n\
         #![deny(warnings)]\n#![allow(dead_code)]\n\n{modules}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("lib.rs"), lib).expect("write lib.rs");
}
