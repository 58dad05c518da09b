//! Bulk write, bulk delete (and its deprecated form), bulk get.

use crate::support::*;
use cloudflare_kv_mock::{MockServer, StoredEntry};
use serde_json::{json, Value};

const T0: i64 = 1_700_000_000;

async fn manual_server() -> MockServer {
    MockServer::builder().start_time(T0).start().await.unwrap()
}

async fn bulk(server: &MockServer, method: &str, rest: &str, body: &Value) -> RawResponse {
    let bytes = serde_json::to_vec(body).unwrap();
    call(server.addr(), method, &ns_path(rest), &bytes).await
}

fn counted(n: usize) -> String {
    success_with(&format!(
        r#"{{"successful_key_count":{n},"unsuccessful_keys":[]}}"#
    ))
}

fn stored(server: &MockServer, key: &str) -> StoredEntry {
    server.get(ACCOUNT, NAMESPACE, key).expect("stored")
}

#[tokio::test]
async fn bulk_write_stores_every_pair() {
    let server = manual_server().await;
    let pairs = json!([
        {"key": "text", "value": "Some string ✓"},
        {"key": "bin", "value": "AP8Q", "base64": true},
        {"key": "ttl", "value": "t", "expiration_ttl": 60, "expiration": T0 + 999},
        {"key": "at", "value": "a", "expiration": T0 + 600, "metadata": {"m": [1]}},
        {"key": "plain64", "value": "x", "base64": false, "metadata": null},
    ]);
    assert_body(&bulk(&server, "PUT", "/bulk", &pairs).await, &counted(5));
    assert_eq!(
        stored(&server, "text").value.as_ref(),
        "Some string ✓".as_bytes()
    );
    assert_eq!(stored(&server, "bin").value.as_ref(), b"\x00\xff\x10");
    assert_eq!(stored(&server, "ttl").expiration, Some(T0 + 60));
    let at = stored(&server, "at");
    assert_eq!(
        (at.expiration, at.metadata),
        (Some(T0 + 600), Some(json!({"m": [1]})))
    );
    assert_eq!(stored(&server, "plain64").metadata, None);
}

#[tokio::test]
async fn bulk_write_replaces_whole_entries_and_the_last_duplicate_wins() {
    let server = manual_server().await;
    let first = json!([{"key": "k", "value": "old", "metadata": 1, "expiration_ttl": 100}]);
    assert_body(&bulk(&server, "PUT", "/bulk", &first).await, &counted(1));
    let second = json!([{"key": "k", "value": "a"}, {"key": "k", "value": "b"}]);
    assert_body(&bulk(&server, "PUT", "/bulk", &second).await, &counted(2));
    let entry = stored(&server, "k");
    assert_eq!(
        (entry.value.as_ref(), entry.metadata, entry.expiration),
        (&b"b"[..], None, None)
    );
}

#[tokio::test]
async fn one_bad_pair_refuses_the_whole_write_and_says_where() {
    let server = manual_server().await;
    let long_key = "k".repeat(513);
    let big_meta = json!({"m": "x".repeat(1020)});
    let cases: Vec<(Value, u32, String)> = vec![
        (json!({"key": "", "value": "v"}), 10019, "/1/key: Invalid key name: empty".into()),
        (json!({"key": "..", "value": "v"}), 10019, "/1/key: Invalid key name: '..' is not allowed".into()),
        (json!({"key": long_key, "value": "v"}), 10020, "/1/key: Key length of 513 bytes exceeds limit of 512".into()),
        (json!({"key": "k", "value": "v", "expiration_ttl": 59}), 10033, "/1/expiration_ttl: Invalid expiration_ttl of 59. Expiration TTL must be at least 60.".into()),
        (json!({"key": "k", "value": "v", "expiration_ttl": 300.0}), 10033, "/1/expiration_ttl: Invalid expiration_ttl of 300.0. Please specify integer greater than 0.".into()),
        (json!({"key": "k", "value": "v", "expiration": "1800000000"}), 10034, "/1/expiration: Invalid expiration of \"1800000000\". Please specify integer greater than the current number of seconds since the UNIX epoch.".into()),
        (json!({"key": "k", "value": "v", "expiration": T0 + 59}), 10034, "/1/expiration: Invalid expiration of 1700000059. Expiration times must be at least 60 seconds in the future.".into()),
        (json!({"key": "k", "value": "v", "metadata": big_meta}), 10012, "/1/metadata: Metadata length of 1028 exceeds limit of 1024".into()),
        (json!({"key": "k", "value": "%%", "base64": true}), 10007, "/1/value: Invalid base64 value: Invalid symbol 37, offset 0.".into()),
        (json!({"key": "k", "value": 5}), 10001, "/1: Invalid request body: invalid type: integer `5`, expected a string".into()),
        (json!({"key": "k"}), 10001, "/1: Invalid request body: missing field `value`".into()),
        (json!({"key": "k", "value": "v", "expirationTtl": 60}), 10001, "/1: Invalid request body: unknown field `expirationTtl`, expected one of `key`, `value`, `base64`, `expiration`, `expiration_ttl`, `metadata`".into()),
        (json!("k"), 10001, "/1: Invalid request body: invalid type: string \"k\", expected struct PairIn".into()),
    ];
    for (bad, code, message) in cases {
        let body = json!([{"key": "good", "value": "v"}, bad]);
        assert_error(
            &bulk(&server, "PUT", "/bulk", &body).await,
            400,
            code,
            &message,
        );
    }
    assert!(
        server.keys(ACCOUNT, NAMESPACE).is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn bulk_write_body_refusals() {
    let server = manual_server().await;
    let not_array = bulk(&server, "PUT", "/bulk", &json!({"key": "k"})).await;
    assert_error(
        &not_array,
        400,
        10001,
        "Invalid request body: invalid type: map, expected a sequence at line 1 column 0",
    );
    let pairs: Vec<Value> = (0..10_001)
        .map(|i| json!({"key": format!("k{i}"), "value": ""}))
        .collect();
    let too_many = bulk(&server, "PUT", "/bulk", &Value::Array(pairs)).await;
    assert_error(
        &too_many,
        400,
        10003,
        "Too many items: 10001 exceeds limit of 10000",
    );
    let pairs: Vec<Value> = (0..10_000)
        .map(|i| json!({"key": format!("k{i}"), "value": ""}))
        .collect();
    assert_body(
        &bulk(&server, "PUT", "/bulk", &Value::Array(pairs)).await,
        &counted(10_000),
    );
    let form = build("PUT", &ns_path("/bulk"), &[BEARER, FORM], b"--XyZ--\r\n");
    assert_error(
        &send(server.addr(), form).await,
        400,
        10035,
        "Unsupported Content-Type: multipart/form-data; boundary=XyZ",
    );
}

#[tokio::test]
async fn a_bulk_value_over_25_mib_is_refused() {
    let server = manual_server().await;
    let value = "v".repeat(26_214_401);
    let body = json!([{"key": "k", "value": value}]);
    assert_error(
        &bulk(&server, "PUT", "/bulk", &body).await,
        400,
        10011,
        "/0/value: Value length exceeds limit of 26214400",
    );
    let exact = json!([{"key": "k", "value": "v".repeat(26_214_400)}]);
    assert_body(&bulk(&server, "PUT", "/bulk", &exact).await, &counted(1));
}

#[tokio::test]
async fn a_bulk_body_over_100_mib_is_413() {
    let server = manual_server().await;
    let mut body = b"[".to_vec();
    body.resize(104_857_601, b' ');
    let response = call(server.addr(), "PUT", &ns_path("/bulk"), &body).await;
    assert_error(
        &response,
        413,
        10005,
        "Request body exceeds limit of 104857600 bytes",
    );
    let logged = server.requests().pop().unwrap();
    assert_eq!((logged.body.len(), logged.body_len), (8192, 104_857_601));
}

#[tokio::test]
async fn bulk_delete_and_its_deprecated_form() {
    let server = manual_server().await;
    let pairs =
        json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}, {"key": "c", "value": "3"}]);
    assert_body(&bulk(&server, "PUT", "/bulk", &pairs).await, &counted(3));
    let deleted = bulk(&server, "POST", "/bulk/delete", &json!(["a", "never", "a"])).await;
    assert_body(&deleted, &counted(3));
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["b", "c"]);
    assert_body(
        &bulk(&server, "DELETE", "/bulk", &json!(["b"])).await,
        &counted(1),
    );
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["c"]);
    let empty = bulk(&server, "POST", "/bulk/delete", &json!([])).await;
    assert_body(&empty, &counted(0));
}

#[tokio::test]
async fn bulk_delete_refusals() {
    let server = manual_server().await;
    server.insert(
        ACCOUNT,
        NAMESPACE,
        "keep",
        StoredEntry {
            value: "v".into(),
            metadata: None,
            expiration: None,
        },
    );
    let cases = [
        (
            json!(["keep", 5]),
            10001,
            "/1: Invalid request body: expected a key name string",
        ),
        (json!(["keep", ""]), 10019, "/1: Invalid key name: empty"),
        (
            json!({"keys": ["keep"]}),
            10001,
            "Invalid request body: invalid type: map, expected a sequence at line 1 column 0",
        ),
    ];
    for (body, code, message) in cases {
        assert_error(
            &bulk(&server, "POST", "/bulk/delete", &body).await,
            400,
            code,
            message,
        );
    }
    let keys: Vec<String> = (0..10_001).map(|i| format!("k{i}")).collect();
    let too_many = bulk(&server, "POST", "/bulk/delete", &json!(keys)).await;
    assert_error(
        &too_many,
        400,
        10003,
        "Too many items: 10001 exceeds limit of 10000",
    );
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["keep"]);
    let wrong = call(server.addr(), "GET", &ns_path("/bulk/delete"), b"").await;
    assert_eq!((wrong.status, wrong.header("allow")), (405, Some("POST")));
    let wrong = call(server.addr(), "POST", &ns_path("/bulk"), b"[]").await;
    assert_eq!(
        (wrong.status, wrong.header("allow")),
        (405, Some("PUT, DELETE"))
    );
}

async fn seeded() -> MockServer {
    let server = manual_server().await;
    let pairs = json!([
        {"key": "s", "value": "text"},
        {"key": "j", "value": "{\"n\":[1,2]}", "metadata": {"m": true}, "expiration": T0 + 3600},
        {"key": "n", "value": "42"},
    ]);
    assert_body(&bulk(&server, "PUT", "/bulk", &pairs).await, &counted(3));
    server
}

#[tokio::test]
async fn bulk_get_text_and_json_in_the_order_asked() {
    let server = seeded().await;
    let text = bulk(
        &server,
        "POST",
        "/bulk/get",
        &json!({"keys": ["s", "missing", "j", "s"]}),
    )
    .await;
    assert_body(
        &text,
        &success_with(r#"{"values":{"s":"text","missing":null,"j":"{\"n\":[1,2]}"}}"#),
    );
    let parsed = bulk(
        &server,
        "POST",
        "/bulk/get",
        &json!({"keys": ["n", "j"], "type": "json"}),
    )
    .await;
    assert_body(
        &parsed,
        &success_with(r#"{"values":{"n":42,"j":{"n":[1,2]}}}"#),
    );
    let empty = bulk(&server, "POST", "/bulk/get", &json!({"keys": []})).await;
    assert_body(&empty, &success_with(r#"{"values":{}}"#));
}

#[tokio::test]
async fn bulk_get_with_metadata() {
    let server = seeded().await;
    let body = json!({"keys": ["j", "s", "missing"], "type": "text", "withMetadata": true});
    let response = bulk(&server, "POST", "/bulk/get", &body).await;
    let values = r#"{"j":{"value":"{\"n\":[1,2]}","metadata":{"m":true},"expiration":1700003600},"s":{"value":"text","metadata":null},"missing":null}"#;
    assert_body(
        &response,
        &success_with(&format!(r#"{{"values":{values}}}"#)),
    );
}

#[tokio::test]
async fn bulk_get_refusals() {
    let server = seeded().await;
    server.insert(
        ACCOUNT,
        NAMESPACE,
        "bin",
        StoredEntry {
            value: vec![0xff, 0xfe].into(),
            metadata: None,
            expiration: None,
        },
    );
    let keys: Vec<String> = (0..101).map(|i| format!("k{i}")).collect();
    let cases = [
        (json!({"keys": keys}), 10003, "Too many items: 101 exceeds limit of 100".to_owned()),
        (json!({"keys": ["s"], "type": "xml"}), 10001, "Invalid request body: unknown variant `xml`, expected `text` or `json` at line 1 column 26".to_owned()),
        (json!({"type": "text"}), 10001, "Invalid request body: missing field `keys` at line 1 column 15".to_owned()),
        (json!({"keys": ["s"], "with_metadata": true}), 10001, "Invalid request body: unknown field `with_metadata`, expected one of `keys`, `type`, `withMetadata` at line 1 column 29".to_owned()),
        (json!({"keys": ["s", ""]}), 10019, "/keys/1: Invalid key name: empty".to_owned()),
        (json!({"keys": ["bin"]}), 10006, "Value of key 'bin' is not UTF-8 text".to_owned()),
        (json!({"keys": ["s"], "type": "json"}), 10006, "Value of key 's' is not valid JSON: expected ident at line 1 column 2".to_owned()),
    ];
    for (body, code, message) in cases {
        assert_error(
            &bulk(&server, "POST", "/bulk/get", &body).await,
            400,
            code,
            &message,
        );
    }
    let hundred: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
    assert_eq!(
        bulk(&server, "POST", "/bulk/get", &json!({"keys": hundred}))
            .await
            .status,
        200
    );
}
