//! A synthetic OpenAPI 3.0.3 document the size and shape of Cloudflare's whole API: by
//! default 100 resource groups of 15 operations and 37 component schemas each (1,500
//! operations, 3,700 schemas), with what that document is made of: `$ref`s everywhere,
//! `allOf` envelopes around a `result`, unions of objects and of scalars, string enums,
//! nullable fields, path parameters given as `$ref`s to string schemas, path-level
//! parameters, untyped query parameters, `4XX` failure envelopes, bodies with no schema.
//!
//! `cargo run -p kv-codegen --example synthetic_spec -- DIR [GROUPS] [--progenitor-compatible]`
//! writes `DIR/synthetic.json` and a crate in DIR (`Cargo.toml`, `lib.rs`) that compiles the
//! module kv-codegen generates from it into `DIR/synthetic.rs` against the runtime,
//! warning-free. `.ci/large-spec.sh` runs it; the `generate` benchmark uses [`document`]
//! directly. With `--progenitor-compatible` the document leaves out what progenitor refuses
//! ([`Variant::ProgenitorCompatible`]), for `codegen/compare/progenitor.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use serde_json::{json, Map, Value};

/// Operations per group.
pub const OPERATIONS_PER_GROUP: usize = 15;
/// Component schemas per group.
pub const SCHEMAS_PER_GROUP: usize = 37;
/// Entities per group; each has six schemas and three operations.
const ENTITIES: usize = 5;

/// Words the group names are made of (Cloudflare's groups: `dns-records`, `workers-kv`, …).
const WORDS: &[&str] = &[
    "dns",
    "zones",
    "workers",
    "kv",
    "pages",
    "access",
    "tunnels",
    "rules",
    "images",
    "stream",
    "logs",
    "waf",
    "cache",
    "ssl",
    "teams",
    "r2",
    "queues",
    "d1",
    "vectorize",
    "email",
];

/// A sentence of documentation, long enough to look like a real description.
fn prose(what: &str) -> String {
    format!("The {what}. Identifies the object across requests; see the API reference for the rules that apply to it.")
}

/// The name of group `g`: two words, unique per index.
pub fn group_name(g: usize) -> String {
    let first = WORDS.get(g % WORDS.len()).copied().unwrap_or("misc");
    let second = WORDS
        .get((g / WORDS.len() + 3) % WORDS.len())
        .copied()
        .unwrap_or("misc");
    format!("{first}-{second}{}", g / (WORDS.len() * WORDS.len()))
}

/// Which constructs the document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// All of them, as Cloudflare's document has them.
    Full,
    /// Without the one construct progenitor 0.15 refuses ("No schema specified for request
    /// body"): the JSON request body with no schema of every fourth entity's `delete`, which
    /// then has no body. Everything else (`$ref`s, `allOf` envelopes, unions, enums,
    /// path-level and untyped parameters, `4XX` ranges) it accepts, so all of it stays.
    ProgenitorCompatible,
}

/// The whole document with `groups` resource groups.
pub fn document(groups: usize) -> Value {
    document_of(groups, Variant::Full)
}

/// The document with `groups` resource groups, holding the constructs `variant` says.
pub fn document_of(groups: usize, variant: Variant) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for g in 0..groups {
        let name = group_name(g);
        common_schemas(&name, &mut schemas);
        for e in 0..ENTITIES {
            entity_schemas(&name, e, &mut schemas);
            entity_paths(&name, e, variant, &mut paths);
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic API", "version": "4.0.0", "description": prose("synthetic API")},
        "servers": [{"url": "https://api.example.com/client/v4"}],
        "security": [{"api_token": []}, {"api_email": [], "api_key": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "api_token": {"type": "http", "scheme": "bearer"},
                "api_email": {"type": "apiKey", "in": "header", "name": "X-Auth-Email"},
                "api_key": {"type": "apiKey", "in": "header", "name": "X-Auth-Key"},
            },
        },
    })
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// Seven schemas every group repeats under its own prefix, as Cloudflare's groups do.
fn common_schemas(g: &str, out: &mut Map<String, Value>) {
    let mut add = |name: &str, schema: Value| out.insert(format!("{g}_{name}"), schema);
    add(
        "identifier",
        json!({"type": "string", "maxLength": 32, "readOnly": true, "example": "023e105f4ecef8ad9ca31a8372d0c353", "description": prose("identifier")}),
    );
    add(
        "account_identifier",
        json!({"allOf": [{"$ref": format!("#/components/schemas/{g}_identifier")}, {"description": prose("account identifier")}]}),
    );
    add(
        "messages",
        json!({
            "type": "array",
            "uniqueItems": true,
            "items": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "integer", "minimum": 1000},
                "message": {"type": "string"},
                "documentation_url": {"type": "string"},
                "source": {"type": "object", "properties": {"pointer": {"type": "string"}}},
            }},
        }),
    );
    add(
        "result_info",
        json!({"type": "object", "properties": {
            "count": {"type": "number", "example": 1},
            "page": {"type": "number", "example": 1},
            "per_page": {"type": "number", "example": 20},
            "total_count": {"type": "number", "example": 2000},
            "cursor": {"type": "string"},
        }}),
    );
    add(
        "api-response-common",
        json!({
            "type": "object",
            "required": ["success", "errors", "messages"],
            "properties": {
                "errors": schema_ref(&format!("{g}_messages")),
                "messages": schema_ref(&format!("{g}_messages")),
                "success": {"type": "boolean", "enum": [true], "description": "Whether the API call was successful."},
            },
        }),
    );
    add(
        "api-response-common-failure",
        json!({
            "type": "object",
            "required": ["success", "errors", "messages", "result"],
            "properties": {
                "errors": {"allOf": [schema_ref(&format!("{g}_messages"))], "minItems": 1},
                "messages": {"allOf": [schema_ref(&format!("{g}_messages"))]},
                "result": {"type": "object", "nullable": true},
                "success": {"type": "boolean", "enum": [false]},
            },
        }),
    );
    add(
        "api-response-collection",
        json!({"allOf": [
            schema_ref(&format!("{g}_api-response-common")),
            {"properties": {"result_info": schema_ref(&format!("{g}_result_info"))}},
        ]}),
    );
}

/// Six schemas per entity: the object, its settings, status, a union, two envelopes.
fn entity_schemas(g: &str, e: usize, out: &mut Map<String, Value>) {
    let entity = format!("{g}_thing{e}");
    let properties = json!({
        "id": schema_ref(&format!("{g}_identifier")),
        "name": {"type": "string", "maxLength": 255, "description": prose("name")},
        "created_on": {"type": "string", "format": "date-time", "readOnly": true},
        "modified_on": {"type": "string", "format": "date-time", "nullable": true},
        "status": schema_ref(&format!("{entity}_status")),
        "settings": schema_ref(&format!("{entity}_settings")),
        "config": schema_ref(&format!("{entity}_config")),
        "tags": {"type": "array", "items": {"type": "string"}},
        "meta": {"type": "object", "additionalProperties": {"type": "string"}},
        "ttl": {"anyOf": [{"type": "number", "minimum": 30}, {"type": "string", "enum": ["auto"]}]},
        "comment": {"type": "string", "nullable": true, "pattern": "^[^<>]*$"},
        "extra": {},
    });
    out.insert(entity.clone(), json!({"type": "object", "required": ["id", "name"], "properties": properties, "description": prose("entity")}));
    out.insert(
        format!("{entity}_settings"),
        json!({"type": "object", "properties": {
            "enabled": {"type": "boolean", "default": true},
            "mode": {"type": "string", "enum": ["off", "on", "strict"], "default": "off"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807i64},
            "ratio": {"type": "number", "minimum": 0, "maximum": 1},
        }}),
    );
    out.insert(format!("{entity}_status"), json!({"type": "string", "enum": ["active", "pending", "disabled", "deleted"], "example": "active"}));
    out.insert(format!("{entity}_config"), json!({"oneOf": [
        {"type": "object", "title": "Origin", "required": ["origin"], "properties": {"origin": {"type": "string"}, "port": {"type": "integer", "format": "int32"}}},
        {"type": "object", "title": "Redirect", "required": ["url"], "properties": {"url": {"type": "string"}, "code": {"type": "integer", "enum": [301, 302]}}},
    ]}));
    out.insert(
        format!("{entity}_response_single"),
        json!({"allOf": [
            schema_ref(&format!("{g}_api-response-common")),
            {"properties": {"result": schema_ref(&entity)}},
        ]}),
    );
    out.insert(
        format!("{entity}_response_collection"),
        json!({"allOf": [
            schema_ref(&format!("{g}_api-response-collection")),
            {"properties": {"result": {"type": "array", "items": schema_ref(&entity)}}},
        ]}),
    );
}

fn path_param(name: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

/// A `200` with an envelope and a `4XX` with the failure envelope.
fn responses(g: &str, envelope: &str) -> Value {
    let failure = json!({"allOf": [schema_ref(envelope), schema_ref(&format!("{g}_api-response-common-failure"))]});
    json!({
        "200": {"description": "Success.", "content": {"application/json": {"schema": schema_ref(envelope)}}},
        "4XX": {"description": "Failure.", "content": {"application/json": {"schema": failure}}},
    })
}

/// Two paths per entity (collection and item), three operations between them.
fn entity_paths(g: &str, e: usize, variant: Variant, out: &mut Map<String, Value>) {
    let entity = format!("{g}_thing{e}");
    let owner = if e % 2 == 0 { "accounts" } else { "zones" };
    let owner_id = format!("{}_id", owner.trim_end_matches('s'));
    let collection = format!("/{owner}/{{{owner_id}}}/{g}/thing{e}s");
    let item = format!("{collection}/{{thing_id}}");
    let owner_param = path_param(&owner_id, schema_ref(&format!("{g}_account_identifier")));
    let list = json!({
        "operationId": format!("{g}-thing{e}-list"),
        "summary": format!("List thing{e}s"),
        "description": prose("list operation"),
        "parameters": [
            {"name": "page", "in": "query", "schema": {"type": "number", "minimum": 1, "default": 1}},
            {"name": "per_page", "in": "query", "schema": {"default": 20}},
            {"name": "order", "in": "query", "schema": {"enum": ["name", "created_on"]}},
            {"name": "direction", "in": "query", "schema": {"oneOf": [{"enum": ["asc"]}, {"enum": ["desc"]}]}},
            {"name": "match", "in": "query", "schema": {}},
            {"name": "name", "in": "query", "schema": {"type": "string", "maxLength": 255}},
        ],
        "responses": responses(g, &format!("{entity}_response_collection")),
    });
    let write_body = json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "maxLength": 255},
            "settings": schema_ref(&format!("{entity}_settings")),
            "config": schema_ref(&format!("{entity}_config")),
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }}}});
    let write = |verb: &str, body: Value| {
        json!({
            "operationId": format!("{g}-thing{e}-{verb}"),
            "summary": format!("{verb} a thing{e}"),
            "requestBody": body,
            "responses": responses(g, &format!("{entity}_response_single")),
        })
    };
    let mut collection_ops = Map::new();
    collection_ops.insert("parameters".to_owned(), json!([owner_param.clone()]));
    collection_ops.insert("get".to_owned(), list);
    let mut item_ops = Map::new();
    let item_params = json!([
        owner_param,
        path_param("thing_id", schema_ref(&format!("{g}_identifier")))
    ]);
    item_ops.insert("parameters".to_owned(), item_params);
    let get = json!({
        "operationId": format!("{g}-thing{e}-get"),
        "summary": format!("Get a thing{e}"),
        "responses": responses(g, &format!("{entity}_response_single")),
    });
    item_ops.insert("get".to_owned(), get);
    // The third operation varies: create, update, patch, or delete (a JSON body of no schema).
    let empty = json!({"content": {"application/json": {}}});
    match e % 4 {
        0 => collection_ops.insert("post".to_owned(), write("create", write_body)),
        1 => item_ops.insert("put".to_owned(), write("update", write_body)),
        2 => item_ops.insert("patch".to_owned(), write("patch", write_body)),
        _ => item_ops.insert(
            "delete".to_owned(),
            without_body(write("delete", empty), variant),
        ),
    };
    out.insert(collection, Value::Object(collection_ops));
    out.insert(item, Value::Object(item_ops));
}

/// `operation`, less its request body when `variant` leaves untyped bodies out.
fn without_body(mut operation: Value, variant: Variant) -> Value {
    if variant == Variant::ProgenitorCompatible {
        if let Some(fields) = operation.as_object_mut() {
            fields.remove("requestBody");
        }
    }
    operation
}

fn main() {
    let (args, flags): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| !a.starts_with("--"));
    let variant = match flags.as_slice() {
        [] => Variant::Full,
        [flag] if flag == "--progenitor-compatible" => Variant::ProgenitorCompatible,
        _ => {
            eprintln!("usage: synthetic_spec DIR [GROUPS] [--progenitor-compatible]");
            std::process::exit(2)
        }
    };
    let mut args = args.into_iter();
    let dir = std::path::PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/large-spec".to_owned()),
    );
    let groups: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    std::fs::create_dir_all(&dir).expect("create the output directory");
    let doc = document_of(groups, variant);
    let text = serde_json::to_string_pretty(&doc).expect("a JSON document");
    std::fs::write(dir.join("synthetic.json"), &text).expect("write the spec");
    write_check_crate(&dir);
    println!(
        "{} with {} operations and {} schemas ({} bytes){}",
        dir.join("synthetic.json").display(),
        groups * OPERATIONS_PER_GROUP,
        groups * SCHEMAS_PER_GROUP,
        text.len(),
        match variant {
            Variant::Full => "",
            Variant::ProgenitorCompatible => ", progenitor-compatible",
        }
    );
}

/// A crate in DIR that compiles `DIR/synthetic.rs` against the runtime, as the SDK does.
fn write_check_crate(dir: &std::path::Path) {
    let runtime = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let runtime = runtime.canonicalize().expect("the runtime's directory");
    let manifest = format!(
        "[package]\nname = \"large-spec-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n\
         kv-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\nbytes = \"1\"\n",
        runtime.display().to_string()
    );
    let lib = "//! The module generated from the synthetic spec, compiled warning-free.\n\
               #![deny(warnings)]\n#![allow(dead_code)]\n\ninclude!(\"synthetic.rs\");\n";
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("lib.rs"), lib).expect("write lib.rs");
}
