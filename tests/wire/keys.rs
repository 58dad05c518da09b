//! Keys and metadata on the wire: one page of keys, every page by cursor, a key's metadata
//! read as JSON or as the caller's own type.

use crate::support::*;
use cloudflare_kv::types::Key;
use cloudflare_kv::{ErrorKind, GetMetadataParams, ListKeysParams};
use futures_util::TryStreamExt;
use serde_json::json;
use wiremock::{Request, ResponseTemplate};

#[tokio::test]
async fn list_sends_prefix_limit_and_cursor_and_returns_keys_with_the_cursor() {
    let body = page_json(
        json!([
            {"name": "a/1", "expiration": 1578435000, "metadata": {"m": 1}},
            {"name": "a/2"}
        ]),
        json!({"count": 2, "cursor": "next-c"}),
    );
    let server = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let params = ListKeysParams::new()
        .prefix("a/ ü")
        .limit(10)
        .cursor("c1+=");
    let response = client(&server)
        .kv()
        .namespaces()
        .keys()
        .list(NAMESPACE, params)
        .await
        .unwrap();
    assert_eq!(
        response.body(),
        &vec![
            Key {
                name: "a/1".into(),
                expiration: Some(1578435000),
                metadata: Some(json!({"m": 1})),
            },
            Key {
                name: "a/2".into(),
                expiration: None,
                metadata: None,
            },
        ]
    );
    assert_eq!(
        response.result_info().unwrap().cursor.as_deref(),
        Some("next-c")
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        request.url.path(),
        namespaces_path(&format!("/{NAMESPACE}/keys"))
    );
    assert_eq!(
        request.url.query(),
        Some("prefix=a%2F%20%C3%BC&limit=10&cursor=c1%2B%3D")
    );
}

#[tokio::test]
async fn limit_must_be_between_10_and_1000() {
    let server = answering(ResponseTemplate::new(200)).await;
    let client = client(&server);
    let keys = client.kv().namespaces().keys();
    for (limit, message) in [
        (9, "invalid argument: limit: must be at least 10, got 9"),
        (
            1001,
            "invalid argument: limit: must be at most 1000, got 1001",
        ),
    ] {
        let error = keys
            .list(NAMESPACE, ListKeysParams::new().limit(limit))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(error.to_string(), message);
    }
    assert!(received(&server).await.is_empty());
}

/// Serves `total` keys `k00`, `k01`, … three at a time; each page's cursor is the index of
/// the next key, and the last page's cursor is empty.
fn cursor_pages(total: usize) -> impl Fn(&Request) -> ResponseTemplate {
    move |request: &Request| {
        let start: usize = query_value(request, "cursor").map_or(0, |c| c.parse().unwrap());
        let end = (start + 3).min(total);
        let keys: Vec<_> = (start..end)
            .map(|i| json!({"name": format!("k{i:02}")}))
            .collect();
        let cursor = if end == total {
            String::new()
        } else {
            end.to_string()
        };
        let info = json!({"count": end - start, "cursor": cursor});
        ResponseTemplate::new(200).set_body_json(page_json(json!(keys), info))
    }
}

#[tokio::test]
async fn list_all_follows_the_cursor_to_exactly_the_last_key() {
    let server = answering_with(cursor_pages(8)).await;
    let client = client(&server);
    let names: Vec<String> = client
        .kv()
        .namespaces()
        .keys()
        .list_all(NAMESPACE, ListKeysParams::new().prefix("k"))
        .items()
        .map_ok(|key| key.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        names,
        ["k00", "k01", "k02", "k03", "k04", "k05", "k06", "k07"]
    );
    let queries: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        ["prefix=k", "prefix=k&cursor=3", "prefix=k&cursor=6"],
        "the other parameters stay; nothing is asked after the empty cursor"
    );
}

#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_listing() {
    let stuck = page_json(json!([{"name": "a"}]), json!({"cursor": "same"}));
    let server = answering(ResponseTemplate::new(200).set_body_json(stuck)).await;
    let client = client(&server);
    let names: Vec<Key> = client
        .kv()
        .namespaces()
        .keys()
        .list_all(NAMESPACE, ListKeysParams::new().cursor("same"))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(received(&server).await.len(), 1);
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Owner {
    owner: String,
    tags: Vec<String>,
}

#[tokio::test]
async fn metadata_reads_as_json_or_as_the_callers_type() {
    let body = result_json(json!({"owner": "me", "tags": ["a", "b"]}));
    let server = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let client = client(&server);
    let metadata = client.kv().namespaces().metadata();
    let response = metadata
        .get(NAMESPACE, "dir/My Key", GetMetadataParams::new())
        .await
        .unwrap();
    assert_eq!(response.body(), &json!({"owner": "me", "tags": ["a", "b"]}));
    let typed = response.deserialize::<Owner>().unwrap();
    assert_eq!(
        typed.into_body(),
        Owner {
            owner: "me".into(),
            tags: vec!["a".into(), "b".into()]
        }
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        request.url.path(),
        namespaces_path(&format!("/{NAMESPACE}/metadata/dir%2FMy%20Key"))
    );
}

#[tokio::test]
async fn a_key_without_metadata_reads_as_null() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(result_json(json!(null)))).await;
    let response = client(&server)
        .kv()
        .namespaces()
        .metadata()
        .get(NAMESPACE, "k", GetMetadataParams::new())
        .await
        .unwrap();
    assert!(response.body().is_null());
    let typed = response.deserialize::<Option<Owner>>().unwrap();
    assert_eq!(typed.into_body(), None);
}

#[tokio::test]
async fn metadata_of_the_wrong_shape_is_an_unexpected_body() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(result_json(json!({"owner": 1})))).await;
    let response = client(&server)
        .kv()
        .namespaces()
        .metadata()
        .get(NAMESPACE, "k", GetMetadataParams::new())
        .await
        .unwrap();
    let error = response.deserialize::<Owner>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
    assert_eq!(
        error.to_string(),
        "HTTP 200 OK: the result does not have the requested shape (invalid type: integer `1`, expected a string)"
    );
}

/// A listing answered with the exact text `body`.
async fn list_answered(body: &'static str) -> Result<Vec<Key>, cloudflare_kv::Error> {
    let server = answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let response = client(&server)
        .kv()
        .namespaces()
        .keys()
        .list(NAMESPACE, ListKeysParams::new())
        .await?;
    Ok(response.into_body())
}

/// Cloudflare's description types `expiration` as `number`: a whole number written as a
/// float is that number, not a failed page.
#[tokio::test]
async fn an_expiration_written_as_a_whole_float_is_read() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":[{"name":"a","expiration":1577836800.0},{"name":"b","expiration":1577836801}],"result_info":{"count":2.0,"cursor":""}}"#;
    let keys = list_answered(body).await.unwrap();
    let expirations: Vec<_> = keys
        .iter()
        .map(|k| (k.name.as_str(), k.expiration))
        .collect();
    assert_eq!(
        expirations,
        [("a", Some(1577836800)), ("b", Some(1577836801))]
    );
}

/// A fractional expiration is rounded down: the whole second it falls in.
#[tokio::test]
async fn a_fractional_expiration_is_rounded_down() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":[{"name":"a","expiration":1577836800.5,"metadata":{"ratio":2.0}}],"result_info":{"count":1,"cursor":""}}"#;
    let keys = list_answered(body).await.unwrap();
    assert_eq!(
        keys,
        [Key {
            name: "a".into(),
            expiration: Some(1577836800),
            // Metadata is any JSON: its float stays a float.
            metadata: Some(json!({"ratio": 2.0})),
        }]
    );
}

/// A float no integer can hold is still refused, naming the member's type.
#[tokio::test]
async fn an_expiration_beyond_any_integer_is_refused() {
    let body =
        r#"{"success":true,"errors":[],"messages":[],"result":[{"name":"a","expiration":1e300}]}"#;
    let error = list_answered(body).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
    assert_eq!(
        error.to_string(),
        r#"list-keys: HTTP 200 OK: the result does not have the expected shape (invalid type: floating point `1e+300`, expected i64 at line 1 column 82) (application/json, 85 bytes): {"success":true,"errors":[],"messages":[],"result":[{"name":"a","expiration":1e300}]}"#
    );
}
