//! Credentials: bearer token, email/key pair, and their refusals.

use crate::support::*;
use cloudflare_kv_mock::MockServer;

async fn put_with(server: &MockServer, headers: &[(&str, &str)]) -> RawResponse {
    send(
        server.addr(),
        build("PUT", &values_path("k"), headers, b"v"),
    )
    .await
}

const MISSING: &str = "Missing X-Auth-Key, X-Auth-Email or Authorization headers";

#[tokio::test]
async fn default_credentials_are_accepted() {
    let server = MockServer::start().await;
    assert_success(&put_with(&server, &[("Authorization", "Bearer mock-token")]).await);
    let pair = [
        ("X-Auth-Email", "user@example.com"),
        ("X-Auth-Key", "mock-key"),
    ];
    assert_success(&put_with(&server, &pair).await);
}

#[tokio::test]
async fn missing_credentials_are_401() {
    let server = MockServer::start().await;
    assert_error(&put_with(&server, &[]).await, 401, 9106, MISSING);
    assert_error(
        &put_with(&server, &[("X-Auth-Email", "user@example.com")]).await,
        401,
        9106,
        MISSING,
    );
    assert_error(
        &put_with(&server, &[("X-Auth-Key", "mock-key")]).await,
        401,
        9106,
        MISSING,
    );
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn wrong_credentials_are_403() {
    let server = MockServer::start().await;
    let cases: [&[(&str, &str)]; 5] = [
        &[("Authorization", "Bearer wrong")],
        &[("Authorization", "mock-token")],
        &[("Authorization", "Basic bW9jay10b2tlbg==")],
        &[
            ("X-Auth-Email", "user@example.com"),
            ("X-Auth-Key", "wrong"),
        ],
        &[
            ("X-Auth-Email", "other@example.com"),
            ("X-Auth-Key", "mock-key"),
        ],
    ];
    for headers in cases {
        assert_error(
            &put_with(&server, headers).await,
            403,
            10000,
            "Authentication error",
        );
    }
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn two_schemes_are_refused() {
    let server = MockServer::start().await;
    let headers = [
        ("Authorization", "Bearer mock-token"),
        ("X-Auth-Email", "user@example.com"),
        ("X-Auth-Key", "mock-key"),
    ];
    assert_error(
        &put_with(&server, &headers).await,
        400,
        9107,
        "Send exactly one of Authorization or X-Auth-Email/X-Auth-Key",
    );
}

#[tokio::test]
async fn builder_sets_accepted_credentials() {
    let server = MockServer::builder()
        .token("secret-token")
        .email_key("me@example.org", "k3y")
        .start()
        .await
        .unwrap();
    assert_success(&put_with(&server, &[("Authorization", "Bearer secret-token")]).await);
    assert_success(
        &put_with(
            &server,
            &[("X-Auth-Email", "me@example.org"), ("X-Auth-Key", "k3y")],
        )
        .await,
    );
    let old = put_with(&server, &[("Authorization", "Bearer mock-token")]).await;
    assert_error(&old, 403, 10000, "Authentication error");
}

#[tokio::test]
async fn auth_applies_to_get_and_delete() {
    let server = MockServer::start().await;
    for method in ["GET", "DELETE"] {
        let response = send(server.addr(), build(method, &values_path("k"), &[], b"")).await;
        assert_error(&response, 401, 9106, MISSING);
    }
}
