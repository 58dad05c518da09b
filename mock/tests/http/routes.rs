//! Routing: unknown paths, wrong methods, and the GET / DELETE companions of PUT.

use crate::support::*;
use cloudflare_kv_mock::{MockServer, StoredEntry};

#[tokio::test]
async fn unknown_routes_are_404_even_without_credentials() {
    let server = MockServer::start().await;
    let paths = [
        "/".to_owned(),
        "/client/v4".to_owned(),
        "/client/v4/accounts".to_owned(),
        format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/keys/"),
        format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/bulk/put"),
        format!("/client/v4/accounts/{ACCOUNT}/storage/kv"),
        format!("/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/values/k"),
        format!("{}/", values_path("k")),
    ];
    for path in paths {
        let response = send(server.addr(), build("PUT", &path, &[], b"v")).await;
        assert_error(&response, 404, 7003, "No route for the URI");
    }
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let server = MockServer::start().await;
    for method in ["POST", "PATCH", "HEAD", "OPTIONS"] {
        let bytes = send_raw(
            server.addr(),
            build(method, &values_path("k"), &[BEARER], b""),
        )
        .await;
        let response = if method == "HEAD" {
            parse_head(&bytes)
        } else {
            parse(&bytes)
        };
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, PUT, DELETE"));
        if method == "HEAD" {
            assert!(response.body.is_empty());
        } else {
            assert_error(&response, 405, 10405, "Method not allowed");
        }
    }
}

#[tokio::test]
async fn get_returns_the_raw_bytes() {
    let server = MockServer::start().await;
    assert_success(&put(server.addr(), "a%2Fb", &[], b"\x00bytes\xff").await);
    let response = get(server.addr(), "a%2Fb").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"\x00bytes\xff");
    assert_eq!(
        response.header("content-type"),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn get_of_absent_key_is_10009() {
    let server = MockServer::start().await;
    assert_success(&put(server.addr(), "other", &[], b"v").await);
    assert_error(
        &get(server.addr(), "nope").await,
        404,
        10009,
        "key not found",
    );
}

#[tokio::test]
async fn get_of_expired_entry_is_10009_but_library_still_sees_it() {
    let server = MockServer::start().await;
    let entry = StoredEntry {
        value: "old".into(),
        metadata: None,
        expiration: Some(now() - 1),
    };
    server.insert(ACCOUNT, NAMESPACE, "gone", entry.clone());
    assert_error(
        &get(server.addr(), "gone").await,
        404,
        10009,
        "key not found",
    );
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "gone"), Some(entry));
}

#[tokio::test]
async fn delete_removes_and_is_idempotent() {
    let server = MockServer::start().await;
    assert_success(&put(server.addr(), "k", &[], b"v").await);
    for _ in 0..2 {
        let response = send(
            server.addr(),
            build("DELETE", &values_path("k"), &[BEARER], b""),
        )
        .await;
        assert_success(&response);
    }
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn absolute_form_target_is_routed_by_its_path() {
    let server = MockServer::start().await;
    let target = format!("http://localhost{}", values_path("a%2Fb"));
    assert_success(&send(server.addr(), build("PUT", &target, &[BEARER], b"v")).await);
    assert!(server.get(ACCOUNT, NAMESPACE, "a/b").is_some());
}
