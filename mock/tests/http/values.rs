//! Reading values and metadata, deleting, and real expiration on the server's clock.

use std::time::Duration;

use crate::support::*;
use cloudflare_kv_mock::{MockServer, StoredEntry};
use serde_json::json;

const T0: i64 = 1_700_000_000;

async fn manual_server() -> MockServer {
    MockServer::builder().start_time(T0).start().await.unwrap()
}

#[tokio::test]
async fn get_sends_the_bytes_with_their_length_and_expiration() {
    let server = manual_server().await;
    let addr = server.addr();
    assert_success(&put(addr, "k?expiration=1700000500", &[], b"\x00\xffraw").await);
    let response = get(addr, "k").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"\x00\xffraw");
    assert_eq!(response.header("content-length"), Some("5"));
    assert_eq!(
        response.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(response.header("expiration"), Some("1700000500"));
    assert_success(&put(addr, "forever", &[], b"").await);
    let forever = get(addr, "forever").await;
    assert_eq!(
        (forever.status, forever.header("content-length")),
        (200, Some("0"))
    );
    assert_eq!(forever.header("expiration"), None);
}

#[tokio::test]
async fn metadata_is_the_result_or_null() {
    let server = manual_server().await;
    let addr = server.addr();
    let form = multipart(
        "XyZ",
        &[
            ("value", None, b"v"),
            ("metadata", None, br#"{"b":[1,"x"],"a":true}"#),
        ],
    );
    assert_success(&put(addr, "with", &[FORM], &form).await);
    assert_success(&put(addr, "without", &[], b"v").await);
    let with = call(addr, "GET", &ns_path("/metadata/with"), b"").await;
    assert_body(&with, &success_with(r#"{"a":true,"b":[1,"x"]}"#));
    let without = call(addr, "GET", &ns_path("/metadata/without"), b"").await;
    assert_body(&without, &success_with("null"));
    let missing = call(addr, "GET", &ns_path("/metadata/nope"), b"").await;
    assert_error(&missing, 404, 10009, "key not found");
    let bad = call(addr, "GET", &ns_path("/metadata/q%G1"), b"").await;
    assert_error(
        &bad,
        400,
        10019,
        "Invalid key name: invalid percent-escape at byte 1",
    );
    let method = call(addr, "PUT", &ns_path("/metadata/with"), b"").await;
    assert_eq!((method.status, method.header("allow")), (405, Some("GET")));
}

#[tokio::test]
async fn an_expired_pair_is_gone_for_get_metadata_list_and_bulk_get() {
    let server = manual_server().await;
    let addr = server.addr();
    let form = multipart("XyZ", &[("value", None, b"v"), ("metadata", None, b"1")]);
    assert_success(&put(addr, "k?expiration_ttl=120", &[FORM], &form).await);
    server.advance(Duration::from_secs(119));
    assert_eq!(
        get(addr, "k").await.header("expiration"),
        Some("1700000120")
    );
    server.advance(Duration::from_millis(1000));
    assert_eq!(server.now(), T0 + 120);
    assert_error(&get(addr, "k").await, 404, 10009, "key not found");
    let metadata = call(addr, "GET", &ns_path("/metadata/k"), b"").await;
    assert_error(&metadata, 404, 10009, "key not found");
    let list = call(addr, "GET", &ns_path("/keys"), b"").await;
    assert_body(&list, &success_paged("[]", r#"{"count":0,"cursor":""}"#));
    let bulk = call(
        addr,
        "POST",
        &ns_path("/bulk/get"),
        br#"{"keys":["k"],"withMetadata":true}"#,
    )
    .await;
    assert_body(&bulk, &success_with(r#"{"values":{"k":null}}"#));
    // The library still shows the entry as it was written.
    assert_eq!(
        server.get(ACCOUNT, NAMESPACE, "k").unwrap().expiration,
        Some(T0 + 120)
    );
}

#[tokio::test]
async fn expiration_rules_follow_the_servers_clock() {
    let server = manual_server().await;
    let addr = server.addr();
    let soon = format!("k?expiration={}", T0 + 59);
    assert_error_code(&put(addr, &soon, &[], b"v").await, 400, 10034);
    assert_success(&put(addr, &format!("k?expiration={}", T0 + 60), &[], b"v").await);
    server.set_time(T0 + 1000);
    assert_error(&get(addr, "k").await, 404, 10009, "key not found");
    assert_error_code(
        &put(addr, &format!("k?expiration={}", T0 + 1059), &[], b"v").await,
        400,
        10034,
    );
}

#[tokio::test]
async fn delete_is_200_whether_or_not_the_key_is_there() {
    let server = manual_server().await;
    let addr = server.addr();
    assert_success(&put(addr, "k", &[], b"v").await);
    for key in ["k", "k", "never"] {
        let path = ns_path(&format!("/values/{key}"));
        assert_success(&call(addr, "DELETE", &path, b"{}").await);
    }
    assert!(server.keys(ACCOUNT, NAMESPACE).is_empty());
}

#[tokio::test]
async fn a_bad_escape_never_names_the_escaped_key() {
    let server = manual_server().await;
    let addr = server.addr();
    assert_success(&put(addr, "q%25G1", &[], b"percent").await);
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["q%G1"]);
    let message = "Invalid key name: invalid percent-escape at byte 1";
    assert_error(&put(addr, "q%G1", &[], b"other").await, 400, 10019, message);
    assert_error(&get(addr, "q%G1").await, 400, 10019, message);
    let delete = call(addr, "DELETE", &ns_path("/values/q%G1"), b"").await;
    assert_error(&delete, 400, 10019, message);
    let lone = "Invalid key name: invalid percent-escape at byte 0";
    assert_error(&put(addr, "%", &[], b"v").await, 400, 10019, lone);
    assert_error(
        &put(addr, "ab%4", &[], b"v").await,
        400,
        10019,
        "Invalid key name: invalid percent-escape at byte 2",
    );
    assert_eq!(get(addr, "q%25G1").await.body, b"percent");
    let ns = format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/n%zz/values/k");
    assert_error(
        &call(addr, "PUT", &ns, b"v").await,
        400,
        7003,
        "Could not route to n%zz, perhaps your object identifier is invalid?",
    );
}

#[tokio::test]
async fn insert_and_get_round_trip_through_the_library() {
    let server = manual_server().await;
    let entry = StoredEntry {
        value: "v".into(),
        metadata: Some(json!({"m": 1})),
        expiration: Some(T0 + 60),
    };
    server.insert(ACCOUNT, NAMESPACE, "k", entry.clone());
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), Some(entry));
    assert_eq!(get(server.addr(), "k").await.body, b"v");
}
