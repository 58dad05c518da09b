//! Whatever a spec says, the generator answers with code or diagnostics, never a panic.
//!
//! Specs are built from random trees over the OpenAPI schema vocabulary (including
//! references between components, so cycles occur), dropped into every place a schema can
//! stand: components, parameters, bodies in several media types, responses.

// Tests may unwrap: a failure here is a test failure, not user input.
#![allow(clippy::unwrap_used, clippy::panic)]

use kv_codegen::{generate, Config};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({"type": "integer", "minimum": 1, "maximum": 0})),
        Just(json!({"type": "number", "exclusiveMinimum": true, "minimum": 60})),
        Just(json!({"type": "boolean", "enum": [true]})),
        Just(json!({"type": "string", "enum": ["a", "", "A", "a-b", null], "nullable": true})),
        Just(json!({"type": "string", "pattern": "(unclosed"})),
        Just(json!({"type": "string", "pattern": "^[a-z]+$", "maxLength": 3, "x-kv-max-bytes": 9})),
        Just(json!({"x-kv-max-json-bytes": -1})),
        Just(json!({"x-kv-bogus": 1})),
        Just(json!({"$ref": "#/components/schemas/s0"})),
        Just(json!({"$ref": "#/components/schemas/s1"})),
        Just(json!({"$ref": "#/components/schemas/missing"})),
        Just(json!({"$ref": "elsewhere.yaml#/x"})),
        Just(json!({})),
        Just(json!({"type": "mystery"})),
        Just(json!({"not": {"enum": [".", ".."]}})),
        Just(json!({"minLength": 2, "items": {}})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| json!({"allOf": v})),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| json!({"anyOf": v, "x-kv-max-bytes": 4})),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| json!({"oneOf": v, "nullable": true})),
            inner.clone().prop_map(|i| json!({"type": "array", "items": i, "minItems": 1})),
            inner.clone().prop_map(|i| json!({"type": "object", "additionalProperties": i})),
            inner.clone().prop_map(|i| json!({"not": i})),
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(|(a, b, req)| {
                let required = if req { json!(["type", "self"]) } else { json!([]) };
                json!({"type": "object", "properties": {"type": a, "self": b, "2x": {}}, "required": required})
            }),
            (inner.clone(), inner).prop_map(|(a, b)| json!({"allOf": [a], "properties": {"p": b}, "minLength": 1})),
        ]
    })
}

fn document(
    schemas: Vec<Value>,
    param: Value,
    body: Value,
    response: Value,
    location: &str,
) -> Value {
    let mut components = Map::new();
    for (i, s) in schemas.into_iter().enumerate() {
        components.insert(format!("s{i}"), s);
    }
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
        "components": {"schemas": components},
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_specs_never_panic(
        schemas in prop::collection::vec(schema(), 2..4),
        param in schema(),
        body in schema(),
        response in schema(),
        location in prop_oneof![Just("query"), Just("header"), Just("cookie"), Just("path")],
    ) {
        let doc = document(schemas, param, body, response, location);
        let text = serde_json::to_string(&doc).unwrap();
        // Either outcome is fine; what matters is that there is one.
        let _ = generate(&text, &Config::default());
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = generate(&text, &Config::default());
    }
}

#[test]
fn a_spec_with_every_hazard_reports_instead_of_panicking() {
    let doc = document(
        vec![
            json!({"$ref": "#/components/schemas/s1"}),
            json!({"$ref": "#/components/schemas/s0"}),
        ],
        json!({"type": "object"}),
        json!({"not": {}}),
        json!({"type": "string", "pattern": "("}),
        "cookie",
    );
    let diags = generate(&doc.to_string(), &Config::default()).unwrap_err();
    assert!(diags.iter().all(|d| d.pointer.starts_with('#')));
    assert!(diags.len() >= 4, "{diags:?}");
}
