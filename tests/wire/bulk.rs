//! Bulk write, delete and get on the wire: exact JSON bodies, the limits checked before any
//! request, and retries only where the spec says the POST is safe to repeat.

use crate::support::*;
use cloudflare_kv::types::{BulkGetEntry, BulkGetType, BulkGetValue, BulkResult, BulkWriteItem};
use cloudflare_kv::{BulkDeleteParams, BulkGetParams, BulkUpdateParams, ErrorKind};
use serde_json::json;
use std::collections::BTreeMap;
use wiremock::ResponseTemplate;

fn bulk_result(count: i64, failed: &[&str]) -> serde_json::Value {
    result_json(json!({"successful_key_count": count, "unsuccessful_keys": failed}))
}

#[tokio::test]
async fn bulk_update_puts_the_pairs_as_a_json_array() {
    let server = answering(ResponseTemplate::new(200).set_body_json(bulk_result(1, &["b"]))).await;
    let items = vec![
        BulkWriteItem {
            key: "a".into(),
            value: "text ü".into(),
            expiration_ttl: Some(300),
            metadata: Some(json!({"m": 1})),
            ..Default::default()
        },
        BulkWriteItem {
            key: "b".into(),
            value: "AAH/".into(),
            base64: Some(true),
            expiration: Some(1578435000),
            ..Default::default()
        },
    ];
    let response = client(&server)
        .kv()
        .namespaces()
        .bulk_update(NAMESPACE, BulkUpdateParams::new(items))
        .await
        .unwrap();
    assert_eq!(
        response.body(),
        &BulkResult {
            successful_key_count: 1,
            unsuccessful_keys: vec!["b".into()],
        }
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(
        request.url.path(),
        namespaces_path(&format!("/{NAMESPACE}/bulk"))
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        r#"[{"key":"a","value":"text ü","expiration_ttl":300,"metadata":{"m":1}},{"key":"b","value":"AAH/","base64":true,"expiration":1578435000}]"#
    );
}

#[tokio::test]
async fn bulk_limits_are_checked_before_any_request() {
    let server = answering(ResponseTemplate::new(200).set_body_json(bulk_result(0, &[]))).await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let item = |key: String| BulkWriteItem {
        key,
        value: "v".into(),
        ..Default::default()
    };
    let too_many = (0..10_001).map(|i| item(format!("k{i}")));
    let error = namespaces
        .bulk_update(NAMESPACE, BulkUpdateParams::new(too_many))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: body: must have at most 10000 items, got 10001 items"
    );
    let bad_ttl = BulkWriteItem {
        expiration_ttl: Some(59),
        ..item("k".into())
    };
    let error = namespaces
        .bulk_update(NAMESPACE, BulkUpdateParams::new([bad_ttl]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: expiration_ttl: must be at least 60, got 59"
    );
    let error = namespaces
        .bulk_delete(
            NAMESPACE,
            BulkDeleteParams::new((0..10_001).map(|i| format!("k{i}"))),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: body: must have at most 10000 items, got 10001 items"
    );
    let error = namespaces
        .bulk_get(
            NAMESPACE,
            BulkGetParams::new((0..101).map(|i| format!("k{i}"))),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: keys: must have at most 100 items, got 101 items"
    );
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn bulk_delete_posts_the_keys_and_is_retried_like_a_delete() {
    let server = first_then(
        ResponseTemplate::new(503).set_body_string("unavailable"),
        1,
        ResponseTemplate::new(200).set_body_json(bulk_result(2, &[])),
    )
    .await;
    let response = client(&server)
        .kv()
        .namespaces()
        .bulk_delete(NAMESPACE, BulkDeleteParams::new(["a", "dir/b"]))
        .await
        .unwrap();
    assert_eq!(response.successful_key_count, 2);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "retried once after the 503");
    for request in &requests {
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(
            request.url.path(),
            namespaces_path(&format!("/{NAMESPACE}/bulk/delete"))
        );
        assert_eq!(request.body, br#"["a","dir/b"]"#);
    }
}

/// Cloudflare's answer with `withMetadata` (the shape and values of its description's
/// example, plus a missing key): each present key is a typed `BulkGetEntry`.
const WITH_METADATA: &str = r#"{"success":true,"errors":[],"messages":[],"result":{"values":{"key1":{"expiration":1577836800,"metadata":{"someMetadataKey":"someMetadataValue"},"value":"value1"},"key2":{"metadata":{"anotherKey":"anotherValue"},"value":"value2"},"key3":null}}}"#;

#[tokio::test]
async fn bulk_get_posts_keys_type_and_with_metadata_and_is_retried_like_a_get() {
    let server = first_then(
        ResponseTemplate::new(500).set_body_json(error_json(10001, "internal")),
        2,
        ResponseTemplate::new(200).set_body_raw(WITH_METADATA, "application/json"),
    )
    .await;
    let params = BulkGetParams::new(["key1", "key2", "key3"])
        .r#type(BulkGetType::Json)
        .with_metadata(true);
    let response = client(&server)
        .kv()
        .namespaces()
        .bulk_get(NAMESPACE, params)
        .await
        .unwrap();
    let entry = |value: &str, metadata, expiration| {
        Some(BulkGetValue::BulkGetEntry(BulkGetEntry {
            value: json!(value),
            metadata: Some(metadata),
            expiration,
        }))
    };
    let expected = BTreeMap::from([
        (
            "key1".to_owned(),
            entry(
                "value1",
                json!({"someMetadataKey": "someMetadataValue"}),
                Some(1577836800),
            ),
        ),
        (
            "key2".to_owned(),
            entry("value2", json!({"anotherKey": "anotherValue"}), None),
        ),
        ("key3".to_owned(), None),
    ]);
    assert_eq!(response.into_body().values, expected);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "retried twice after the 500s");
    let last = requests.last().unwrap();
    assert_eq!(last.method.as_str(), "POST");
    assert_eq!(
        last.url.path(),
        namespaces_path(&format!("/{NAMESPACE}/bulk/get"))
    );
    assert_eq!(header(last, "content-type"), Some("application/json"));
    assert_eq!(
        last.body,
        br#"{"keys":["key1","key2","key3"],"type":"json","withMetadata":true}"#
    );
}

/// Without metadata each present key is its value as sent: text, or (with `type: json`) any
/// JSON; an object without a `value` member stays a plain value.
#[tokio::test]
async fn bulk_get_without_metadata_reads_plain_values_and_leaves_unset_options_out() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":{"values":{"key1":"value1","key2":{"n":[1,2]},"key3":2,"key4":null}}}"#;
    let server = answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let response = client(&server)
        .kv()
        .namespaces()
        .bulk_get(NAMESPACE, BulkGetParams::new(["key1"]))
        .await
        .unwrap();
    let plain = |value| Some(BulkGetValue::BulkGetPlain(value));
    let expected = BTreeMap::from([
        ("key1".to_owned(), plain(json!("value1"))),
        ("key2".to_owned(), plain(json!({"n": [1, 2]}))),
        ("key3".to_owned(), plain(json!(2))),
        ("key4".to_owned(), None),
    ]);
    assert_eq!(response.into_body().values, expected);
    assert_eq!(only_request(&server).await.body, br#"{"keys":["key1"]}"#);
}

/// `successful_key_count` is a `number` in Cloudflare's description: `2.0` reads as 2.
#[tokio::test]
async fn a_key_count_written_as_a_float_is_read() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":{"successful_key_count":2.0,"unsuccessful_keys":[]}}"#;
    let server = answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let response = client(&server)
        .kv()
        .namespaces()
        .bulk_delete(NAMESPACE, BulkDeleteParams::new(["a", "b"]))
        .await
        .unwrap();
    assert_eq!(
        response.body(),
        &BulkResult {
            successful_key_count: 2,
            unsuccessful_keys: vec![],
        }
    );
    // The request still sends integers.
    let request = only_request(&server).await;
    assert_eq!(request.body, br#"["a","b"]"#);
}
