//! Whatever a spec says, the generator answers with code or diagnostics, never a panic, an
//! internal error or a hang.
//!
//! Specs are random trees over the OpenAPI schema vocabulary (see `examples/random_specs.rs`),
//! including references between components, so cycles occur. Hazardous documents stop in
//! lowering; clean ones go all the way through emitting and formatting; hostile ones (keyword
//! names everywhere, control and bidi characters in every text, huge numbers in every numeric
//! keyword, repeated and very large enums) must generate.
//!
//! Every case goes through [`checked`]: `generate` turns a panic into an error of
//! [`Kind::Internal`], which fails the test, and a case that does not finish within
//! [`HANG_BOUND`] fails it too (a hang detector with a generous bound, not a timing test).
//!
//! Fuzz mode: `KV_FUZZ_CASES=100000 cargo test --release -p kv-codegen --test no_panic`
//! runs that many cases per property (512 by default, 128 for the hostile documents).

// Tests may unwrap: a failure here is a test failure, not user input.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../examples/random_specs.rs"]
mod random_specs;

use kv_codegen::{generate, Config, Diagnostic, Kind, Output};
use proptest::prelude::*;
use random_specs::{clean_documents, hazardous_document, hostile_documents, large_enum, schema};
use serde_json::json;
use std::time::Duration;

/// How long one case may take before it counts as a hang: minutes where a case takes
/// milliseconds, so that a loaded machine never trips it.
const HANG_BOUND: Duration = Duration::from_secs(120);

/// Cases per property: `KV_FUZZ_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("KV_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `generate` on a thread of its own, failing the test on a hang or an internal error.
fn checked(text: &str, config: &Config) -> Result<Output, Vec<Diagnostic>> {
    let (send, receive) = std::sync::mpsc::channel();
    let (text, config) = (text.to_owned(), config.clone());
    // Not joined on a hang: the thread is left running and the test fails.
    std::thread::spawn(move || {
        let _ = send.send(generate(&text, &config));
    });
    let result = match receive.recv_timeout(HANG_BOUND) {
        Ok(result) => result,
        Err(_) => panic!("generate did not finish within {HANG_BOUND:?}: a hang"),
    };
    let diagnostics = match &result {
        Ok(output) => &output.diagnostics,
        Err(diags) => diags,
    };
    if let Some(internal) = diagnostics.iter().find(|d| d.kind == Kind::Internal) {
        panic!("an internal error, a bug of kv-codegen: {internal}");
    }
    result
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(512),
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    })]

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
        // Code or diagnostics are both fine, in either layout; `checked` fails on the rest.
        let _ = checked(&text, &partial());
        let _ = checked(&text, &crates_config());
    }

    #[test]
    fn clean_specs_never_panic(doc in clean_documents()) {
        let text = doc.to_string();
        let module = checked(&text, &partial());
        // The crates layout too, and it defines what the module does, each item once.
        let crates = checked(&text, &crates_config());
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
        let _ = checked(&text, &partial());
    }
}

proptest! {
    // Fewer by default: each hostile document generates in both layouts, several operations.
    #![proptest_config(ProptestConfig {
        cases: cases(128),
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    })]

    /// Hostile names, texts and numbers never refuse the whole spec: at worst an operation
    /// is left out. (`.ci/run` compiles what such specs generate: `examples/random_specs.rs`.)
    #[test]
    fn hostile_specs_generate(doc in hostile_documents()) {
        let text = doc.to_string();
        for config in [partial(), crates_config()] {
            if let Err(diags) = checked(&text, &config) {
                prop_assert!(false, "refused: {}", kv_codegen::diagnostics::render(&diags));
            }
        }
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
    let diags = match checked(&doc.to_string(), &partial()) {
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
            checked(&doc.to_string(), &partial()).is_ok_and(|output| output.operations > 0)
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
/// `ReferenceOr` twice per level); the guard makes each a diagnostic at its own pointer (the
/// text, read up to 1,000 levels, is never refused for its depth here). The benchmark
/// `generate/nested` shows the cost per level.
#[test]
fn deeply_nested_invalid_schemas_are_diagnosed() {
    for (name, wrap) in WRAPS {
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
            let diags = match checked(&doc.to_string(), &partial()) {
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

/// The wraps of [`deeply_nested_invalid_schemas_are_diagnosed`].
const WRAPS: [(&str, Wrap); 6] = [
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

/// A schema nested past serde_yaml's 128 levels (up to 600 YAML levels: `properties` × 200)
/// leaves out only the operation that uses it, in YAML as in JSON: the spec is not refused,
/// the ordinary operation beside it is generated, and the errors point into the deep schema.
#[test]
fn a_deep_schema_leaves_out_only_its_operation_in_yaml_and_json() {
    for (name, wrap) in WRAPS {
        for depth in [63, 64, 65, 125, 200] {
            let doc = json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/ok": {"get": {
                        "operationId": "ok",
                        "responses": {"200": {"description": "ok"}},
                    }},
                    "/deep": {"post": {
                        "operationId": "deep",
                        "requestBody": {"content": {"application/json": {"schema":
                            {"$ref": "#/components/schemas/deep"}}}},
                        "responses": {"200": {"description": "ok"}},
                    }},
                },
                "components": {"schemas": {"deep": nested(depth, wrap)}},
            });
            // serde_yaml writes block style, which nests without the flow style's 255 levels.
            let yaml = serde_yaml::to_string(&doc).unwrap();
            for (format, text) in [("YAML", yaml), ("JSON", doc.to_string())] {
                let case = format!("{format} {name} × {depth}");
                let output = match checked(&text, &partial()) {
                    Ok(output) => output,
                    Err(diags) => panic!("{case}: refused: {diags:?}"),
                };
                assert_eq!(output.operations, 1, "{case}: {:?}", output.diagnostics);
                let left_out: Vec<_> = output.left_out.iter().map(|l| &l.operation).collect();
                assert_eq!(left_out, ["deep"], "{case}");
                let errors: Vec<_> = output
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == kv_codegen::Severity::Error)
                    .collect();
                assert!(!errors.is_empty(), "{case}: no error");
                // The deep schema's own errors, and the one that leaves `deep` out naming it.
                let deep = "#/components/schemas/deep";
                assert!(
                    errors.iter().all(|d| d.pointer.starts_with(deep)
                        || d.pointer == "#/paths/~1deep/post" && d.message.contains(deep)),
                    "{case}: {errors:?}"
                );
                assert!(errors.iter().any(|d| d.pointer.starts_with(deep)), "{case}");
                assert!(
                    output.left_out.iter().all(|l| l.reason.contains(deep)),
                    "{case}"
                );
            }
        }
    }
}

/// The numbers JSON text can hold in every numeric keyword, on every kind of schema: code or
/// diagnostics, never an internal error (an `f64` bound reaches a float literal).
#[test]
fn huge_numbers_in_every_numeric_keyword() {
    let keywords = [
        "minimum",
        "maximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "x-kv-max-bytes",
        "x-kv-min-bytes",
        "x-kv-max-json-bytes",
        "default",
        "example",
    ];
    for ty in [
        None,
        Some("integer"),
        Some("number"),
        Some("string"),
        Some("array"),
    ] {
        for keyword in keywords {
            for number in random_specs::hostile_numbers() {
                let mut schema = json!({keyword: number, "exclusiveMinimum": true});
                if let (Some(ty), Some(map)) = (ty, schema.as_object_mut()) {
                    map.insert("type".to_owned(), json!(ty));
                }
                let text = one_operation(schema).to_string();
                let _ = checked(&text, &Config::default());
            }
        }
    }
}

/// A spec whose one operation takes and answers `schema`, which also stands as a component.
fn one_operation(schema: serde_json::Value) -> serde_json::Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"post": {
            "operationId": "op",
            "parameters": [{"name": "q", "in": "query", "schema": schema.clone()}],
            "requestBody": {"content": {"application/json": {"schema": schema.clone()}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema.clone()}}}},
        }}},
        "components": {"schemas": {"s": schema}},
    })
}

/// An enum whose value is a keyword in every spelling, repeated: one variant each, and
/// the spec generates (`self` once became `Self`, which is no identifier).
#[test]
fn keyword_enum_values_and_repeats_generate() {
    let values = [
        "self", "Self", "super", "crate", "r#type", "_", "", "0", "Other", "self",
    ];
    let text = one_operation(json!({"type": "string", "enum": values})).to_string();
    let output = checked(&text, &Config::default()).unwrap();
    assert!(output.code.contains("Self2,"), "{}", output.code);
    // Once per place the schema stands (component, parameter, body, response).
    let repeats: std::collections::BTreeSet<&str> = output
        .warnings
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.contains("more than once"))
        .collect();
    assert_eq!(
        Vec::from_iter(repeats),
        ["the enum value \"self\" is listed more than once; it is one variant"]
    );
}

/// Control and bidi characters never reach a comment as they are.
#[test]
fn control_and_bidi_text_is_replaced_in_comments() {
    let text = "NUL \u{0} CR \r bidi \u{202E} isolate \u{2066}";
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": text, "description": text, "version": "1"},
        "paths": {"/a": {"post": {
            "operationId": "op", "summary": text, "description": text,
            "parameters": [{"name": text, "in": "query", "description": text, "schema": {"type": "string"}}],
            "responses": {"200": {"description": text, "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/s"}}}}},
        }}},
        "components": {"schemas": {"s": {"title": text, "description": text, "type": "string",
            "enum": [text], "example": text, "pattern": "^\u{202E}$"}}},
    });
    let output = checked(&doc.to_string(), &Config::default()).unwrap();
    for hazard in ['\u{0}', '\r', '\u{202E}', '\u{2066}'] {
        assert!(
            !output.code.contains(hazard),
            "{hazard:?} in\n{}",
            output.code
        );
    }
}

/// An enum of thousands of members, most of them naming one identifier, generates.
#[test]
fn a_very_large_enum_generates() {
    let text = one_operation(large_enum(4_000)).to_string();
    let output = checked(&text, &Config::default()).unwrap();
    assert!(output.code.contains("Symbol999"), "CJK values are numbered");
}

/// Non-finite numbers, which YAML can spell (`.inf`, `-.inf`, `.nan`), in every numeric
/// keyword of every kind of schema: code or diagnostics, never an internal error.
///
/// `openapiv3`'s parser panics on them (`ReferenceOr`: "somehow this parsed successfully the
/// second time"), so `load` drops a non-finite bound with a warning before the parser sees
/// it. Past loading, [`non_finite_bounds_lower_and_emit`] shows lowering and emitting handle
/// such numbers.
#[test]
fn non_finite_numbers_in_yaml() {
    let keywords = [
        "minimum",
        "maximum",
        "multipleOf",
        "minLength",
        "maxItems",
        "default",
        "example",
    ];
    for ty in [
        "",
        "type: integer, ",
        "type: number, ",
        "type: string, ",
        "type: array, ",
    ] {
        for keyword in keywords {
            for number in [".inf", "-.inf", ".nan", "1e400", "-1e400"] {
                let schema = format!("{{{ty}{keyword}: {number}, exclusiveMaximum: true}}");
                let text = format!(
                    "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      operationId: op\n      parameters: [{{name: q, in: query, schema: {schema}}}]\n      requestBody: {{content: {{application/json: {{schema: {schema}}}}}}}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {schema}}}}}}}}}\ncomponents: {{schemas: {{s: {schema}}}}}\n"
                );
                let _ = checked(&text, &Config::default());
            }
        }
    }
}

/// Lowering and emitting a document that holds non-finite numbers in every `f64` keyword,
/// whatever loading lets through: the bounds become `f64::INFINITY` and kin, never a panic
/// (`proc_macro2::Literal::f64_unsuffixed` panics on them).
#[test]
fn non_finite_bounds_lower_and_emit() {
    use kv_codegen::phases::{render, Printer};
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    for x in [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MAX,
        f64::MIN,
    ] {
        for ty in [json!({"type": "number"}), json!({})] {
            let text = one_operation(json!({"$ref": "#/components/schemas/b"}));
            let mut doc: openapiv3::OpenAPI = serde_json::from_value(text).unwrap();
            let mut schemas = doc.components.take().unwrap_or_default();
            let mut schema: openapiv3::Schema = serde_json::from_value(ty).unwrap();
            match &mut schema.schema_kind {
                SchemaKind::Type(Type::Number(n)) => {
                    (n.minimum, n.maximum, n.multiple_of) = (Some(x), Some(x), Some(x));
                }
                SchemaKind::Any(any) => {
                    (any.minimum, any.maximum, any.multiple_of) = (Some(x), Some(x), Some(x));
                }
                other => panic!("unexpected {other:?}"),
            }
            schemas
                .schemas
                .insert("b".to_owned(), ReferenceOr::Item(schema));
            doc.components = Some(schemas);
            let mut diags = kv_codegen::Diagnostics::default();
            let (model, _) = kv_codegen::phases::lower(&doc, &[], &mut diags);
            for printer in [Printer::Pretty, Printer::Plain] {
                let code = render(&model, &Config::default(), printer, String::new());
                let code = code.unwrap_or_else(|e| panic!("{x}: {e}"));
                assert!(code.contains("pub struct CreateOpParams"), "{x}: {code}");
            }
        }
    }
}
