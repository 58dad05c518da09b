//! `PUT .../values/{key_name}`: what is stored, and every refusal.

use crate::support::*;
use cloudflare_kv_mock::{MockServer, StoredEntry};
use serde_json::json;

fn stored(server: &MockServer, key: &str) -> StoredEntry {
    server.get(ACCOUNT, NAMESPACE, key).expect("stored")
}

#[tokio::test]
async fn raw_value_is_stored_and_answer_is_exact() {
    let server = MockServer::start().await;
    let body = b"hello \x00\xff world".to_vec();
    let response = put(
        server.addr(),
        "greeting",
        &[("Content-Type", "application/octet-stream")],
        &body,
    )
    .await;
    assert_success(&response);
    assert_eq!(response.header("cf-ray"), Some("mock-1"));
    let entry = stored(&server, "greeting");
    assert_eq!(entry.value.as_ref(), body.as_slice());
    assert_eq!(entry.metadata, None);
    assert_eq!(entry.expiration, None);
}

#[tokio::test]
async fn missing_and_text_content_types_are_raw() {
    let server = MockServer::start().await;
    assert_success(&put(server.addr(), "a", &[], b"no type").await);
    assert_success(
        &put(
            server.addr(),
            "b",
            &[("Content-Type", "text/plain; charset=utf-8")],
            b"text",
        )
        .await,
    );
    // JSON text sent raw is stored as bytes, not parsed.
    assert_success(
        &put(
            server.addr(),
            "c",
            &[("Content-Type", "application/octet-stream")],
            b"\"s\"",
        )
        .await,
    );
    // `curl -d` sends this type; the bytes are kept, not form-decoded.
    let curl = [("Content-Type", "application/x-www-form-urlencoded")];
    assert_success(&put(server.addr(), "d", &curl, b"a=1&b=%20").await);
    assert_eq!(stored(&server, "d").value.as_ref(), b"a=1&b=%20");
    assert_eq!(stored(&server, "a").value.as_ref(), b"no type");
    assert_eq!(stored(&server, "b").value.as_ref(), b"text");
    assert_eq!(stored(&server, "c").value.as_ref(), b"\"s\"");
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn empty_value_is_allowed() {
    let server = MockServer::start().await;
    assert_success(&put(server.addr(), "empty", &[], b"").await);
    assert_eq!(stored(&server, "empty").value.len(), 0);
}

#[tokio::test]
async fn other_media_types_are_refused() {
    let server = MockServer::start().await;
    for ct in ["application/json", "text/html", "image/png"] {
        let response = put(server.addr(), "k", &[("Content-Type", ct)], b"{}").await;
        assert_error(
            &response,
            400,
            10035,
            &format!("Unsupported Content-Type: {ct}"),
        );
    }
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn multipart_stores_value_and_metadata() {
    let server = MockServer::start().await;
    let body = multipart(
        "XyZ",
        &[
            ("value", Some("application/octet-stream"), b"bin\r\n--data"),
            (
                "metadata",
                Some("application/json"),
                br#"{"a":1,"nested":{"b":[true,null]}}"#,
            ),
        ],
    );
    assert_success(&put(server.addr(), "m", &[FORM], &body).await);
    let entry = stored(&server, "m");
    assert_eq!(entry.value.as_ref(), b"bin\r\n--data");
    assert_eq!(
        entry.metadata,
        Some(json!({"a": 1, "nested": {"b": [true, null]}}))
    );
}

#[tokio::test]
async fn multipart_metadata_without_content_type_and_non_object_json() {
    let server = MockServer::start().await;
    let body = multipart(
        "XyZ",
        &[("metadata", None, b"[1,2]"), ("value", None, b"v")],
    );
    assert_success(&put(server.addr(), "m", &[FORM], &body).await);
    assert_eq!(stored(&server, "m").metadata, Some(json!([1, 2])));
}

#[tokio::test]
async fn multipart_refusals() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let no_value = multipart("XyZ", &[("metadata", None, b"{}")]);
    assert_error(
        &put(addr, "k", &[FORM], &no_value).await,
        400,
        10036,
        "Invalid multipart body: missing 'value' part",
    );
    let flattened = multipart("XyZ", &[("value", None, b"v"), ("metadata[a]", None, b"1")]);
    assert_error(
        &put(addr, "k", &[FORM], &flattened).await,
        400,
        10036,
        "Invalid multipart body: unexpected part 'metadata[a]'",
    );
    let twice = multipart("XyZ", &[("value", None, b"v"), ("value", None, b"w")]);
    assert_error(
        &put(addr, "k", &[FORM], &twice).await,
        400,
        10036,
        "Invalid multipart body: repeated part 'value'",
    );
    let no_boundary = put(
        addr,
        "k",
        &[("Content-Type", "multipart/form-data")],
        &no_value,
    )
    .await;
    assert_error(
        &no_boundary,
        400,
        10036,
        "Invalid multipart body: Content-Type has no boundary",
    );
    let garbage = put(addr, "k", &[FORM], b"not a form at all").await;
    assert_error_code(&garbage, 400, 10036);
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn metadata_must_be_one_json_document() {
    let server = MockServer::start().await;
    let addr = server.addr();
    for bad in [&b"{} {}"[..], b"{", b"metadata[a]=1", b""] {
        let body = multipart(
            "XyZ",
            &[
                ("value", None, b"v"),
                ("metadata", Some("application/json"), bad),
            ],
        );
        assert_error_code(&put(addr, "k", &[FORM], &body).await, 400, 10037);
    }
    let text_typed = multipart(
        "XyZ",
        &[
            ("value", None, b"v"),
            ("metadata", Some("text/plain"), b"{}"),
        ],
    );
    assert_error(
        &put(addr, "k", &[FORM], &text_typed).await,
        400,
        10037,
        "Invalid metadata: part Content-Type must be application/json, got text/plain",
    );
}

#[tokio::test]
async fn metadata_size_limit_is_1024_bytes() {
    let server = MockServer::start().await;
    let addr = server.addr();
    // {"k":"…"} is 8 bytes of syntax around the string.
    let fits = format!(r#"{{"k":"{}"}}"#, "x".repeat(1024 - 8));
    assert_eq!(fits.len(), 1024);
    let body = multipart(
        "XyZ",
        &[("value", None, b"v"), ("metadata", None, fits.as_bytes())],
    );
    assert_success(&put(addr, "k", &[FORM], &body).await);
    let over = format!(r#"{{"k":"{}"}}"#, "x".repeat(1024 - 7));
    let body = multipart(
        "XyZ",
        &[("value", None, b"v"), ("metadata", None, over.as_bytes())],
    );
    assert_error(
        &put(addr, "k", &[FORM], &body).await,
        413,
        10012,
        "Metadata length of 1025 exceeds limit of 1024",
    );
}

#[tokio::test]
async fn overwrite_replaces_the_whole_entry() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let body = multipart(
        "XyZ",
        &[("value", None, b"one"), ("metadata", None, br#"{"v":1}"#)],
    );
    assert_success(&put(addr, "k?expiration_ttl=600", &[FORM], &body).await);
    let first = stored(&server, "k");
    assert_eq!(first.metadata, Some(json!({"v": 1})));
    assert!(first.expiration.is_some());
    assert_success(&put(addr, "k", &[], b"two").await);
    assert_eq!(
        stored(&server, "k"),
        StoredEntry {
            value: "two".into(),
            metadata: None,
            expiration: None
        }
    );
}

#[tokio::test]
async fn expiration_ttl_becomes_an_absolute_time() {
    let server = MockServer::start().await;
    let before = now();
    assert_success(&put(server.addr(), "k?expiration_ttl=60", &[], b"v").await);
    let at = stored(&server, "k").expiration.unwrap();
    assert!(at >= before + 60 && at <= now() + 60, "{at}");
}

#[tokio::test]
async fn expiration_is_stored_as_sent() {
    let server = MockServer::start().await;
    let at = now() + 3600;
    assert_success(&put(server.addr(), &format!("k?expiration={at}"), &[], b"v").await);
    assert_eq!(stored(&server, "k").expiration, Some(at));
}

#[tokio::test]
async fn ttl_wins_when_both_are_sent() {
    let server = MockServer::start().await;
    let at = now() + 100_000;
    let before = now();
    assert_success(
        &put(
            server.addr(),
            &format!("k?expiration={at}&expiration_ttl=120"),
            &[],
            b"v",
        )
        .await,
    );
    let got = stored(&server, "k").expiration.unwrap();
    assert!(got >= before + 120 && got <= now() + 120, "{got}");
}

#[tokio::test]
async fn expiration_ttl_refusals() {
    let server = MockServer::start().await;
    let addr = server.addr();
    assert_error(
        &put(addr, "k?expiration_ttl=59", &[], b"v").await,
        400,
        10033,
        "Invalid expiration_ttl of 59. Expiration TTL must be at least 60.",
    );
    for bad in ["300.0", "abc", "", "3e2", "%2B300"] {
        let response = put(addr, &format!("k?expiration_ttl={bad}"), &[], b"v").await;
        assert_error_code(&response, 400, 10033);
    }
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn expiration_refusals() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let soon = now() + 30;
    assert_error(
        &put(addr, &format!("k?expiration={soon}"), &[], b"v").await,
        400,
        10034,
        &format!("Invalid expiration of {soon}. Expiration times must be at least 60 seconds in the future."),
    );
    let late = now() + 3600;
    for bad in [
        format!("{late}.0"),
        "soon".to_owned(),
        String::new(),
        "-1".to_owned(),
    ] {
        let response = put(addr, &format!("k?expiration={bad}"), &[], b"v").await;
        assert_error_code(&response, 400, 10034);
    }
}

#[tokio::test]
async fn value_of_exactly_25_mib_is_stored() {
    let server = MockServer::start().await;
    let body = vec![7u8; 26_214_400];
    assert_success(&put(server.addr(), "big", &[], &body).await);
    assert_eq!(stored(&server, "big").value.len(), 26_214_400);
}

#[tokio::test]
async fn value_over_25_mib_is_413() {
    let server = MockServer::start().await;
    let body = vec![7u8; 26_214_401];
    let response = put(server.addr(), "big", &[], &body).await;
    assert_error(
        &response,
        413,
        10011,
        "Value length exceeds limit of 26214400",
    );
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "big"), None);
    // The log keeps a prefix of the body and the count of bytes read and discarded.
    let logged = &server.requests()[0];
    assert_eq!(logged.body.as_ref(), vec![7u8; 8192].as_slice());
    assert_eq!(logged.body_len, 26_214_401);
}

#[tokio::test]
async fn multipart_value_over_25_mib_is_413() {
    let server = MockServer::start().await;
    let value = vec![7u8; 26_214_401];
    let body = multipart("XyZ", &[("value", None, &value)]);
    let response = put(server.addr(), "big", &[FORM], &body).await;
    assert_error(
        &response,
        413,
        10011,
        "Value length exceeds limit of 26214400",
    );
}

#[tokio::test]
async fn keys_are_decoded_once() {
    let server = MockServer::start().await;
    let addr = server.addr();
    assert_success(&put(addr, "a%2Fb", &[], b"slash").await);
    assert_success(&put(addr, "%2525", &[], b"percent").await);
    assert_success(&put(addr, "sp%20ace%3F%23", &[], b"misc").await);
    assert_success(&put(addr, "%E2%82%AC", &[], b"euro").await);
    assert_eq!(stored(&server, "a/b").value.as_ref(), b"slash");
    assert_eq!(stored(&server, "%25").value.as_ref(), b"percent");
    assert_eq!(stored(&server, "sp ace?#").value.as_ref(), b"misc");
    assert_eq!(stored(&server, "\u{20ac}").value.as_ref(), b"euro");
}

#[tokio::test]
async fn literal_slash_in_key_is_no_route() {
    let server = MockServer::start().await;
    let response = put(server.addr(), "a/b", &[], b"v").await;
    assert_error(&response, 404, 7003, "No route for the URI");
    assert!(server.keys(ACCOUNT, NAMESPACE).is_empty());
}

#[tokio::test]
async fn key_name_refusals() {
    let server = MockServer::start().await;
    let addr = server.addr();
    assert_error(
        &put(addr, "", &[], b"v").await,
        400,
        10019,
        "Invalid key name: empty",
    );
    assert_error(
        &put(addr, ".", &[], b"v").await,
        400,
        10019,
        "Invalid key name: '.' is not allowed",
    );
    assert_error(
        &put(addr, "..", &[], b"v").await,
        400,
        10019,
        "Invalid key name: '..' is not allowed",
    );
    assert_error(
        &put(addr, "%2E%2E", &[], b"v").await,
        400,
        10019,
        "Invalid key name: '..' is not allowed",
    );
    assert_error(
        &put(addr, "%FF", &[], b"v").await,
        400,
        10019,
        "Invalid key name: not valid UTF-8",
    );
    assert!(server.keys(ACCOUNT, NAMESPACE).is_empty());
}

#[tokio::test]
async fn key_length_is_counted_in_bytes() {
    let server = MockServer::start().await;
    let addr = server.addr();
    assert_success(&put(addr, &"k".repeat(512), &[], b"v").await);
    let response = put(addr, &"k".repeat(513), &[], b"v").await;
    assert_error(
        &response,
        414,
        10020,
        "Key length of 513 bytes exceeds limit of 512",
    );
    // 171 euro signs: 171 characters, 513 bytes.
    let response = put(addr, &"%E2%82%AC".repeat(171), &[], b"v").await;
    assert_error(
        &response,
        414,
        10020,
        "Key length of 513 bytes exceeds limit of 512",
    );
}

#[tokio::test]
async fn long_account_or_namespace_ids_are_400() {
    let server = MockServer::start().await;
    let long = "a".repeat(33);
    let paths = [
        format!("/client/v4/accounts/{long}/storage/kv/namespaces/{NAMESPACE}/values/k"),
        format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{long}/values/k"),
    ];
    for path in paths {
        let response = send(server.addr(), build("PUT", &path, &[BEARER], b"v")).await;
        assert_error(
            &response,
            400,
            7003,
            &format!("Could not route to {long}, perhaps your object identifier is invalid?"),
        );
    }
    let ok = format!(
        "/client/v4/accounts/{}/storage/kv/namespaces/n/values/k",
        "a".repeat(32)
    );
    assert_success(&send(server.addr(), build("PUT", &ok, &[BEARER], b"v")).await);
    assert!(server.get(&"a".repeat(32), "n", "k").is_some());
}

#[tokio::test]
async fn namespaces_are_separate() {
    let server = MockServer::start().await;
    let other = "/client/v4/accounts/acc/storage/kv/namespaces/other/values/k";
    assert_success(&send(server.addr(), build("PUT", other, &[BEARER], b"elsewhere")).await);
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
    assert_eq!(
        server.get("acc", "other", "k").unwrap().value.as_ref(),
        b"elsewhere"
    );
}
