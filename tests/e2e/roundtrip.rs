//! End to end: the generated SDK writes to the local mock over HTTP, and what the mock
//! stored is read back byte for byte.

use crate::support::*;
use cloudflare_kv::UpdateValueParams;
use cloudflare_kv_mock::{MockServer, StoredEntry};
use serde_json::json;

fn stored(server: &MockServer, key: &str) -> StoredEntry {
    server
        .get(ACCOUNT, NAMESPACE, key)
        .unwrap_or_else(|| panic!("nothing stored under {key:?}"))
}

#[tokio::test]
async fn a_text_value_is_stored_as_its_utf8_bytes() {
    let server = MockServer::start().await;
    let response = put(
        &client(&server),
        "text",
        UpdateValueParams::new("Some Value ✓"),
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.messages().is_empty());
    assert_eq!(
        stored(&server, "text"),
        StoredEntry {
            value: "Some Value ✓".as_bytes().to_vec().into(),
            metadata: None,
            expiration: None,
        }
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "PUT");
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(requests[0].raw_query(), None);
}

#[tokio::test]
async fn a_binary_value_keeps_every_byte() {
    let server = MockServer::start().await;
    let all_bytes: Vec<u8> = (0..=255).collect();
    put(
        &client(&server),
        "binary",
        UpdateValueParams::new(all_bytes.clone()),
    )
    .await
    .unwrap();
    let entry = stored(&server, "binary");
    assert_eq!(entry.value.as_ref(), all_bytes.as_slice());
    assert_eq!(entry.metadata, None);
    assert_eq!(entry.expiration, None);
}

#[tokio::test]
async fn a_value_with_metadata_is_stored_with_that_json_object() {
    let server = MockServer::start().await;
    let metadata = json!({
        "someMetadataKey": "someMetadataValue",
        "nested": {"list": [1, 2.5, null, true], "emoji": "🦀", "quote": "\"--\r\n"},
    });
    let value: Vec<u8> = vec![0, b'\r', b'\n', b'-', b'-', 255];
    put(
        &client(&server),
        "with-metadata",
        UpdateValueParams::new(value.clone()).metadata(metadata.clone()),
    )
    .await
    .unwrap();
    let entry = stored(&server, "with-metadata");
    assert_eq!(entry.value.as_ref(), value.as_slice());
    assert_eq!(entry.metadata, Some(metadata));
    assert_eq!(entry.expiration, None);
    let content_type = server.requests()[0]
        .header("content-type")
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
}

#[tokio::test]
async fn an_overwrite_replaces_value_metadata_and_expiration() {
    let server = MockServer::start().await;
    let client = client(&server);
    let expiration = now_secs() + 3_600;
    put(
        &client,
        "k",
        UpdateValueParams::new("first")
            .metadata(json!({"version": 1}))
            .expiration(expiration),
    )
    .await
    .unwrap();
    assert_eq!(
        stored(&server, "k"),
        StoredEntry {
            value: "first".into(),
            metadata: Some(json!({"version": 1})),
            expiration: Some(expiration),
        }
    );

    let later = expiration + 60;
    put(
        &client,
        "k",
        UpdateValueParams::new(vec![2u8, 0, 2])
            .metadata(json!({"version": 2}))
            .expiration(later),
    )
    .await
    .unwrap();
    assert_eq!(
        stored(&server, "k"),
        StoredEntry {
            value: vec![2u8, 0, 2].into(),
            metadata: Some(json!({"version": 2})),
            expiration: Some(later),
        }
    );

    put(&client, "k", UpdateValueParams::new("plain"))
        .await
        .unwrap();
    assert_eq!(
        stored(&server, "k"),
        StoredEntry {
            value: "plain".into(),
            metadata: None,
            expiration: None,
        }
    );
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["k"]);
}

#[tokio::test]
async fn an_absolute_expiration_is_stored_as_sent() {
    let server = MockServer::start().await;
    let expiration = now_secs() + 120;
    put(
        &client(&server),
        "expires",
        UpdateValueParams::new("v").expiration(expiration),
    )
    .await
    .unwrap();
    assert_eq!(stored(&server, "expires").expiration, Some(expiration));
    assert_eq!(
        server.requests()[0].raw_query(),
        Some(format!("expiration={expiration}").as_str())
    );
}

#[tokio::test]
async fn a_ttl_is_stored_as_now_plus_the_ttl() {
    let server = MockServer::start().await;
    let before = now_secs();
    put(
        &client(&server),
        "ttl",
        UpdateValueParams::new("v").expiration_ttl(300),
    )
    .await
    .unwrap();
    let after = now_secs();
    let expiration = stored(&server, "ttl").expiration.unwrap();
    assert!(
        (before + 300..=after + 300).contains(&expiration),
        "expiration {expiration} not within [{}, {}]",
        before + 300,
        after + 300
    );
    assert_eq!(server.requests()[0].raw_query(), Some("expiration_ttl=300"));
}

#[tokio::test]
async fn with_both_the_ttl_wins() {
    let server = MockServer::start().await;
    let far = now_secs() + 86_400;
    let before = now_secs();
    put(
        &client(&server),
        "both",
        UpdateValueParams::new("v")
            .expiration(far)
            .expiration_ttl(600),
    )
    .await
    .unwrap();
    let after = now_secs();
    let expiration = stored(&server, "both").expiration.unwrap();
    assert!(
        (before + 600..=after + 600).contains(&expiration),
        "{expiration}"
    );
}

#[tokio::test]
async fn email_and_key_credentials_write_too() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .email_key(
            cloudflare_kv_mock::DEFAULT_EMAIL,
            cloudflare_kv_mock::DEFAULT_KEY,
        )
        .build()
        .unwrap();
    put(&client, "by-key", UpdateValueParams::new("v"))
        .await
        .unwrap();
    assert_eq!(stored(&server, "by-key").value.as_ref(), b"v");
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-auth-email"), Some("user@example.com"));
}
