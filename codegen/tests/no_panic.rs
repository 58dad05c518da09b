//! Whatever a spec says, the generator answers with code or diagnostics, never a panic.
//!
//! Specs are random trees over the OpenAPI schema vocabulary (see `examples/random_specs.rs`),
//! including references between components, so cycles occur. Hazardous documents stop in
//! lowering; clean ones go all the way through emitting and formatting.

// Tests may unwrap: a failure here is a test failure, not user input.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../examples/random_specs.rs"]
mod random_specs;

use kv_codegen::{generate, Config};
use proptest::prelude::*;
use random_specs::{clean_documents, hazardous_document, schema};
use serde_json::json;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn hazardous_specs_never_panic(
        schemas in prop::collection::vec(schema(true), 2..4),
        param in schema(true),
        body in schema(true),
        response in schema(true),
        location in prop_oneof![Just("query"), Just("header"), Just("cookie"), Just("path")],
    ) {
        let doc = hazardous_document(schemas, param, body, response, location);
        let text = serde_json::to_string(&doc).unwrap();
        // Either outcome is fine; what matters is that there is one, in either layout.
        let _ = generate(&text, &partial());
        let _ = generate(&text, &crates_config());
    }

    #[test]
    fn clean_specs_never_panic(doc in clean_documents()) {
        let text = doc.to_string();
        let module = generate(&text, &partial());
        // The crates layout too, and it defines what the module does, each item once.
        let crates = generate(&text, &crates_config());
        match (module, crates) {
            (Ok(module), Ok(crates)) => {
                let in_crates: Vec<String> = crates
                    .files
                    .iter()
                    .filter(|f| f.path.ends_with(".rs"))
                    .flat_map(|f| definitions(&f.contents))
                    .collect();
                let mut in_crates = in_crates;
                in_crates.sort();
                let mut in_module = definitions(&module.code);
                in_module.sort();
                prop_assert_eq!(in_crates, in_module);
            }
            (Err(_), Err(_)) => {}
            (module, crates) => prop_assert!(
                false,
                "the layouts disagree: module ok {}, crates ok {}",
                module.is_ok(),
                crates.is_ok()
            ),
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = generate(&text, &partial());
    }
}

/// Partial generation allowed, so that a spec with a broken operation still goes through
/// the emitter with the rest.
fn partial() -> Config {
    Config {
        allow_partial: true,
        ..Config::default()
    }
}

fn crates_config() -> Config {
    Config {
        crates: Some(kv_codegen::Crates::named("api")),
        ..partial()
    }
}

/// The names of the structs, enums and aliases `code` defines, wherever they are.
fn definitions(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .find_map(|p| line.strip_prefix(p))?;
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .map(str::to_owned)
        })
        .collect()
}

#[test]
fn a_spec_with_every_hazard_reports_instead_of_panicking() {
    let doc = hazardous_document(
        vec![
            json!({"$ref": "#/components/schemas/s1"}),
            json!({"$ref": "#/components/schemas/s0"}),
        ],
        json!({"type": "object"}),
        json!({"not": {}}),
        json!({"type": "string", "pattern": "("}),
        "cookie",
    );
    let diags = match generate(&doc.to_string(), &partial()) {
        Ok(output) => output.diagnostics,
        Err(diags) => diags,
    };
    assert!(diags
        .iter()
        .any(|d| d.severity == kv_codegen::Severity::Error));
    assert!(diags.iter().all(|d| d.pointer.starts_with('#')));
    assert!(diags.len() >= 4, "{diags:?}");
}

#[test]
fn a_fair_share_of_clean_specs_generate_so_the_emitter_is_exercised() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = clean_documents();
    let generated = (0..200)
        .filter(|_| {
            let doc = strategy.new_tree(&mut runner).unwrap().current();
            generate(&doc.to_string(), &partial()).is_ok_and(|output| output.operations > 0)
        })
        .count();
    // Most do; the rest have both operations left out (an `allOf` of types that cannot merge
    // in the shared body, say).
    assert!(
        generated >= 60,
        "only {generated} of 200 clean documents generated an operation"
    );
}

/// One level of nesting around a schema.
type Wrap = fn(serde_json::Value) -> serde_json::Value;

/// A schema nested `depth` times by `wrap` around a value openapiv3 refuses.
fn nested(depth: usize, wrap: Wrap) -> serde_json::Value {
    (0..depth).fold(json!({"type": "string", "maxLength": "bad"}), |inner, _| {
        wrap(inner)
    })
}

/// Nested invalid schemas once made loading exponential (openapiv3 parses a failed
/// `ReferenceOr` twice per level); the guard makes each a diagnostic at its own pointer, or a
/// refusal of the whole text when it nests deeper than the parser's recursion limit. The
/// benchmark `generate/nested` shows the cost per level.
#[test]
fn deeply_nested_invalid_schemas_are_diagnosed() {
    let wraps: [(&str, Wrap); 6] = [
        ("not", |s| json!({"not": s})),
        ("allOf", |s| json!({"allOf": [s]})),
        ("anyOf", |s| json!({"anyOf": [{"type": "integer"}, s]})),
        ("oneOf", |s| json!({"oneOf": [s, {"type": "boolean"}]})),
        ("items", |s| json!({"type": "array", "items": s})),
        (
            "properties",
            |s| json!({"type": "object", "properties": {"p": s}}),
        ),
    ];
    for (name, wrap) in wraps {
        for depth in [20, 22, 25, 40, 63, 64, 65, 100, 200] {
            let schema = nested(depth, wrap);
            let doc = json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {"/a/{id}": {"post": {
                    "operationId": "nested",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": schema.clone()}],
                    "requestBody": {"content": {"application/json": {"schema": schema.clone()}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema.clone()}}}},
                }}},
                "components": {"schemas": {"deep": schema}},
            });
            let diags = match generate(&doc.to_string(), &partial()) {
                Ok(output) => output.diagnostics,
                Err(diags) => diags,
            };
            let errors: Vec<_> = diags
                .iter()
                .filter(|d| d.severity == kv_codegen::Severity::Error)
                .collect();
            assert!(!errors.is_empty(), "{name} × {depth}: no error");
            let expected = [
                "malformed schema",
                "nested deeper than",
                "recursion limit",
                "`not` is supported only",
            ];
            assert!(
                errors
                    .iter()
                    .any(|d| expected.iter().any(|e| d.message.contains(e))),
                "{name} × {depth}: {errors:?}"
            );
        }
    }
}
