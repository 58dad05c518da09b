//! Reading and deleting values on the wire: the raw bytes as they are (whole or streamed),
//! and errors that are still envelopes.

use crate::support::*;
use cloudflare_kv::{DeleteValueParams, ErrorKind, GetValueParams};
use futures_util::TryStreamExt;
use wiremock::ResponseTemplate;

fn all_bytes() -> Vec<u8> {
    (0..=255u8).cycle().take(70_000).collect()
}

#[tokio::test]
async fn get_returns_the_raw_bytes_not_an_envelope() {
    let value = all_bytes();
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_raw(value.clone(), "application/octet-stream")
            .insert_header("expiration", "1578435000"),
    )
    .await;
    let response = client(&server)
        .kv()
        .namespaces()
        .values()
        .get(NAMESPACE, "dir/My Key?#%", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(response.body().as_ref(), value.as_slice());
    assert_eq!(response.headers().get("expiration").unwrap(), "1578435000");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), value_path("dir%2FMy%20Key%3F%23%25"));
    assert_eq!(request.url.query(), None);
    assert!(request.body.is_empty());
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn get_stream_delivers_the_same_bytes_as_they_arrive() {
    let value = all_bytes();
    let server = answering(
        ResponseTemplate::new(200).set_body_raw(value.clone(), "application/octet-stream"),
    )
    .await;
    let response = client(&server)
        .kv()
        .namespaces()
        .values()
        .get_stream(NAMESPACE, "k", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let stream = response.into_body();
    assert_eq!(stream.content_length(), Some(value.len() as u64));
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), value);
    assert_eq!(only_request(&server).await.url.path(), value_path("k"));
}

#[tokio::test]
async fn a_missing_key_is_a_404_envelope_for_both_reads() {
    let server = answering(
        ResponseTemplate::new(404).set_body_json(error_json(10009, "get: 'key not found'")),
    )
    .await;
    let client = client(&server);
    let values = client.kv().namespaces().values();
    let whole = values
        .get(NAMESPACE, "gone", GetValueParams::new())
        .await
        .unwrap_err();
    let streamed = values
        .get_stream(NAMESPACE, "gone", GetValueParams::new())
        .await
        .unwrap_err();
    for error in [whole, streamed] {
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(error.errors()[0].code, 10009);
        assert_eq!(error.errors()[0].message, "get: 'key not found'");
        assert_eq!(error.operation(), Some("get-value"));
    }
}

#[tokio::test]
async fn reads_are_retried_after_a_5xx() {
    let server = first_then(
        ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"),
        1,
        ResponseTemplate::new(200).set_body_raw(b"v".to_vec(), "application/octet-stream"),
    )
    .await;
    let client = client(&server);
    let values = client.kv().namespaces().values();
    let response = values
        .get(NAMESPACE, "k", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(response.body().as_ref(), b"v");
    let streamed = values
        .get_stream(NAMESPACE, "k", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(streamed.into_body().to_bytes(10).await.unwrap(), "v");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn a_stream_is_collected_only_up_to_a_limit() {
    let server = answering(
        ResponseTemplate::new(200).set_body_raw(vec![7u8; 4096], "application/octet-stream"),
    )
    .await;
    let response = client(&server)
        .kv()
        .namespaces()
        .values()
        .get_stream(NAMESPACE, "k", GetValueParams::new())
        .await
        .unwrap();
    let error = response.into_body().to_bytes(1000).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
}

#[tokio::test]
async fn delete_sends_no_body_and_accepts_the_envelope() {
    let server = ok_server_for_any().await;
    let response = client(&server)
        .kv()
        .namespaces()
        .values()
        .delete(NAMESPACE, "My-Key", DeleteValueParams::new())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(request.url.path(), value_path("My-Key"));
    assert!(request.body.is_empty());
    assert_eq!(header(&request, "content-type"), None);
}

#[tokio::test]
async fn key_names_are_checked_before_any_read_or_delete() {
    let server = ok_server_for_any().await;
    let client = client(&server);
    let values = client.kv().namespaces().values();
    let dot = values
        .get(NAMESPACE, "..", GetValueParams::new())
        .await
        .unwrap_err();
    assert_eq!(
        dot.to_string(),
        r#"invalid argument: key_name: must not be "." or "..", got "..""#
    );
    let long = values
        .delete(NAMESPACE, "é".repeat(257), DeleteValueParams::new())
        .await
        .unwrap_err();
    assert_eq!(
        long.to_string(),
        "invalid argument: key_name: must be at most 512 bytes of UTF-8, got 514 bytes"
    );
    assert!(received(&server).await.is_empty());
}

async fn ok_server_for_any() -> wiremock::MockServer {
    answering(ResponseTemplate::new(200).set_body_json(ok_json())).await
}
