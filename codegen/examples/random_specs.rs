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

/// Names that are keywords, raw-identifier spellings, digits, empty, non-ASCII or taken by
/// generated code: each one goes into every position a name can hold (schema, property,
/// parameter, enum value, operationId, tag).
pub fn hostile_names() -> Vec<&'static str> {
    vec![
        "self", "Self", "super", "crate", "type", "r#type", "r#self", "_", "__", "0", "1x", "",
        "Other", "Client", "Result", "Option", "async", "value", "Value", "名前", "é", "a-b",
        "A B", "r#", "fn", "mod", "extern", "Box",
    ]
}

/// Texts that reach doc comments and string literals: control characters, carriage
/// returns, bidirectional overrides, comment and fence markers.
pub fn hostile_texts() -> Vec<&'static str> {
    vec![
        "plain words",
        "NUL \u{0} here",
        "a lone CR\rthen more",
        "CRLF\r\nline two",
        "bidi \u{202E}gnirts\u{202C} override",
        "isolate \u{2066}x\u{2069} and marks \u{200E}\u{200F}\u{061C}",
        "bell \u{7} escape \u{1b}[31m and DEL \u{7f}",
        "*/ /* closes */ a comment",
        "```\nfn main() { panic!() }\n",
        "    indented code\n\ttabbed",
        "\"quotes\" and \\ backslashes \\u{0}",
        "",
    ]
}

/// Numbers as JSON text can hold them: huge (they parse as `f64`), tiny, or negative.
pub fn hostile_numbers() -> Vec<Value> {
    vec![
        json!(1e308),
        json!(-1e308),
        json!(1.7976931348623157e308),
        json!(18446744073709552000.0_f64),
        json!(-9.3e18),
        json!(5e-324),
        json!(9223372036854775807_i64),
        json!(-9223372036854775808_i64),
        json!(0.5),
    ]
}

/// One schema made of hostile parts: numeric keywords with hostile numbers, enums of
/// hostile names and texts (repeated values included), objects whose properties have
/// hostile names and descriptions.
fn hostile_leaf() -> BoxedStrategy<Value> {
    let name = proptest::sample::select(hostile_names());
    let text = proptest::sample::select(hostile_texts());
    let number = proptest::sample::select(hostile_numbers());
    let numeric = (
        proptest::sample::select(vec!["integer", "number"]),
        number.clone(),
        number.clone(),
        number,
        text.clone(),
    )
        .prop_map(|(ty, low, high, other, text)| {
            json!({"type": ty, "minimum": low, "maximum": high, "multipleOf": other,
                   "default": other, "example": low, "title": text})
        });
    let untyped = (proptest::sample::select(hostile_numbers()), text.clone())
        .prop_map(|(n, text)| json!({"minimum": n, "description": text}));
    let values = prop::collection::vec(
        prop_oneof![name.clone(), text.clone()].prop_map(str::to_owned),
        1..12,
    );
    let enumeration = (values, text.clone()).prop_map(|(mut v, text)| {
        // Every value twice (and the first thrice): repeats must become one variant.
        let again = v.clone();
        v.extend(again);
        v.extend(v.first().cloned());
        json!({"type": "string", "enum": v, "description": text, "example": text})
    });
    let object = prop::collection::btree_map(name.prop_map(str::to_owned), text.clone(), 1..6)
        .prop_map(|props| {
            let properties: Map<String, Value> = props
                .iter()
                .map(|(k, t)| (k.clone(), json!({"type": "string", "description": t, "title": t})))
                .collect();
            let required: Vec<&String> = props.keys().take(2).collect();
            json!({"type": "object", "properties": properties, "required": required, "description": "x"})
        });
    prop_oneof![numeric, untyped, enumeration, object].boxed()
}

/// An enum of `size` members: CJK values (which all name one identifier), repeats and
/// keyword-like values; the size of enums real specs carry and more.
pub fn large_enum(size: usize) -> Value {
    let names = hostile_names();
    let values: Vec<String> = (0..size)
        .map(|i| match i % 4 {
            0 => cjk(i),
            1 => format!("v{i}"),
            2 => names
                .get(i % names.len())
                .copied()
                .unwrap_or("x")
                .to_owned(),
            _ => cjk(i % 97),
        })
        .collect();
    json!({"type": "string", "enum": values})
}

/// Two CJK ideographs numbering `i` (below a million): text with no ASCII in it.
pub fn cjk(i: usize) -> String {
    let ideograph = |k: usize| char::from_u32(0x4E00 + (k % 1000) as u32).unwrap_or('一');
    [ideograph(i / 1000), ideograph(i)].iter().collect()
}

/// A document that should generate (operations may be left out, the spec never refused) whose
/// every name and text is hostile: schema names, operationIds, tags, parameter names,
/// summaries, descriptions and titles. `large` adds an enum of that many members.
pub fn hostile_document(parts: HostileParts, large: Option<usize>) -> Value {
    let mut schemas: Map<String, Value> = parts
        .schemas
        .into_iter()
        .map(|(name, mut schema)| {
            if let Some(map) = schema.as_object_mut() {
                map.entry("description")
                    .or_insert_with(|| json!(parts.text));
            }
            (name, schema)
        })
        .collect();
    if let Some(size) = large {
        schemas.insert("large".to_owned(), large_enum(size));
    }
    let first = schemas.keys().next().cloned().unwrap_or_default();
    let reference = json!({"$ref": format!("#/components/schemas/{}", first.replace('~', "~0").replace('/', "~1"))});
    let mut paths = Map::new();
    for (i, (id, tag)) in parts.operations.iter().enumerate() {
        let param = parts
            .params
            .get(i % parts.params.len().max(1))
            .cloned()
            .unwrap_or_default();
        paths.insert(
            format!("/r{i}/{{id}}"),
            json!({
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": {
                    "operationId": id,
                    "tags": [tag],
                    "summary": parts.text,
                    "description": parts.other_text,
                    "parameters": [
                        {"name": param, "in": "query", "description": parts.text, "schema": {"type": "string"}},
                        {"name": format!("{param}-h"), "in": "header", "schema": reference.clone()},
                    ],
                    "requestBody": {"description": parts.other_text, "content": {"application/json": {"schema": reference.clone()}}},
                    "responses": {"200": {"description": parts.text, "content": {"application/json": {"schema": reference.clone()}}}},
                }
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": parts.text, "description": parts.other_text, "version": "1"},
        "tags": parts.operations.iter().map(|(_, tag)| json!({"name": tag, "description": parts.other_text})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// What [`hostile_document`] is made of.
#[derive(Clone, Debug)]
pub struct HostileParts {
    schemas: Vec<(String, Value)>,
    operations: Vec<(String, String)>,
    params: Vec<String>,
    text: String,
    other_text: String,
}

/// Strategy for hostile documents (without a large enum: see [`large_enum`]).
pub fn hostile_documents() -> BoxedStrategy<Value> {
    let name = || proptest::sample::select(hostile_names()).prop_map(str::to_owned);
    let text = || proptest::sample::select(hostile_texts()).prop_map(str::to_owned);
    (
        prop::collection::vec((name(), hostile_leaf()), 1..5),
        prop::collection::vec((name(), name()), 1..4),
        prop::collection::vec(name(), 1..3),
        text(),
        text(),
    )
        .prop_map(|(schemas, operations, params, text, other_text)| {
            let parts = HostileParts {
                schemas,
                operations,
                params,
                text,
                other_text,
            };
            hostile_document(parts, None)
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
    let hostile = hostile_documents();
    let (mut written, mut tried) = (0usize, 0usize);
    let mut all = String::new();
    while written < count && tried < count * 20 {
        tried += 1;
        let doc = next_document(tried, &strategy, &hostile, &mut runner);
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

/// Every third document is hostile (names, texts, numbers), one in fifty of those with an
/// enum of 4,000 members; the rest are clean random trees.
fn next_document(
    tried: usize,
    clean: &BoxedStrategy<Value>,
    hostile: &BoxedStrategy<Value>,
    runner: &mut TestRunner,
) -> Value {
    if tried % 3 != 0 {
        return clean.new_tree(runner).expect("a document").current();
    }
    let mut doc = hostile.new_tree(runner).expect("a document").current();
    if tried % 150 == 0 {
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert("large".to_owned(), large_enum(4_000));
        }
    }
    doc
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
