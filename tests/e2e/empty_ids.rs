//! An empty account or namespace id is refused before any I/O (the spec's `minLength: 1`);
//! without it the path would carry `//` and the server would answer 400 / 7003.

use crate::support::*;
use cloudflare_kv::{ErrorKind, UpdateValueParams};
use cloudflare_kv_mock::MockServer;

#[tokio::test]
async fn an_empty_namespace_id_is_refused_before_io() {
    let server = MockServer::start().await;
    let error = client(&server)
        .kv()
        .namespaces()
        .values()
        .update("", "k", UpdateValueParams::new("v"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(
        error.to_string(),
        "invalid argument: namespace_id: must be at least 1 character, got 0 characters"
    );
    assert!(server.requests().is_empty(), "a request reached the mock");
}

#[tokio::test]
async fn an_empty_account_id_is_refused_before_io() {
    let server = MockServer::start().await;
    let error = client(&server)
        .kv()
        .namespaces()
        .values()
        .update(NAMESPACE, "k", UpdateValueParams::new("v").account_id(""))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(
        error.to_string(),
        "invalid argument: account_id: must be at least 1 character, got 0 characters"
    );
    assert!(server.requests().is_empty(), "a request reached the mock");
}
