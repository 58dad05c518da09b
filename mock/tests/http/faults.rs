//! Fault injection and the request log.

use std::time::{Duration, Instant};

use crate::support::*;
use cloudflare_kv_mock::{MockServer, RetryAfter};

#[tokio::test]
async fn fail_next_answers_n_requests_then_recovers() {
    let server = MockServer::start().await;
    server.fail_next(2, 503, Some(2.into()));
    assert_eq!(server.pending_faults(), 2);
    for n in 1..=2 {
        let response = put(server.addr(), "k", &[], b"v").await;
        assert_error(
            &response,
            503,
            503,
            "injected fault: 503 Service Unavailable",
        );
        assert_eq!(response.header("retry-after"), Some("2"));
        assert_eq!(
            response.header("cf-ray"),
            Some(format!("mock-{n}").as_str())
        );
        assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
    }
    assert_eq!(server.pending_faults(), 0);
    let response = put(server.addr(), "k", &[], b"v").await;
    assert_success(&response);
    assert_eq!(response.header("retry-after"), None);
    assert!(server.get(ACCOUNT, NAMESPACE, "k").is_some());
}

#[tokio::test]
async fn fail_next_without_retry_after_and_with_a_raw_one() {
    let server = MockServer::start().await;
    server.fail_next(1, 429, None);
    server.fail_next(
        1,
        429,
        Some(RetryAfter::Raw("Wed, 21 Oct 2015 07:28:00 GMT".to_owned())),
    );
    let first = put(server.addr(), "k", &[], b"v").await;
    assert_error(&first, 429, 429, "injected fault: 429 Too Many Requests");
    assert_eq!(first.header("retry-after"), None);
    let second = put(server.addr(), "k", &[], b"v").await;
    assert_eq!(
        second.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
}

#[tokio::test]
async fn fail_next_with_a_2xx_sends_success_false() {
    let server = MockServer::start().await;
    server.fail_next(1, 200, None);
    let response = put(server.addr(), "k", &[], b"v").await;
    assert_error(&response, 200, 200, "injected fault: 200 OK");
}

#[tokio::test]
async fn faults_come_before_auth_and_routing() {
    let server = MockServer::start().await;
    server.fail_next(1, 500, None);
    let response = send(server.addr(), build("PUT", "/nowhere", &[], b"")).await;
    assert_error(
        &response,
        500,
        500,
        "injected fault: 500 Internal Server Error",
    );
}

#[tokio::test]
async fn html_next_sends_a_proxy_page() {
    let server = MockServer::start().await;
    server.html_next(1, 502);
    let response = put(server.addr(), "k", &[], b"v").await;
    assert_eq!(response.status, 502);
    assert_eq!(response.header("content-type"), Some("text/html"));
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n\
                <hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";
    assert_eq!(response.text(), page);
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn drop_next_closes_without_an_answer() {
    let server = MockServer::start().await;
    server.drop_next(1);
    let bytes = send_raw(
        server.addr(),
        build("PUT", &values_path("k"), &[BEARER], b"v"),
    )
    .await;
    assert!(
        bytes.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
    assert_success(&put(server.addr(), "k", &[], b"v").await);
    assert_eq!(
        server.requests().len(),
        2,
        "the dropped request is logged too"
    );
}

#[tokio::test]
async fn delay_next_waits_then_answers_normally() {
    let server = MockServer::start().await;
    server.delay_next(1, Duration::from_millis(300));
    let started = Instant::now();
    assert_success(&put(server.addr(), "k", &[], b"v").await);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(server.get(ACCOUNT, NAMESPACE, "k").is_some());
}

#[tokio::test]
async fn faults_are_spent_in_call_order() {
    let server = MockServer::start().await;
    server.html_next(1, 504);
    server.fail_next(1, 409, None);
    server.drop_next(1);
    assert_eq!(put(server.addr(), "k", &[], b"v").await.status, 504);
    assert_eq!(put(server.addr(), "k", &[], b"v").await.status, 409);
    assert!(send_raw(
        server.addr(),
        build("PUT", &values_path("k"), &[BEARER], b"v")
    )
    .await
    .is_empty());
    assert_eq!(put(server.addr(), "k", &[], b"v").await.status, 200);
}

#[tokio::test]
async fn invalid_status_becomes_500() {
    let server = MockServer::start().await;
    server.fail_next(1, 42, None);
    assert_eq!(put(server.addr(), "k", &[], b"v").await.status, 500);
}

#[tokio::test]
async fn request_log_keeps_raw_target_headers_and_body() {
    let server = MockServer::start().await;
    let body = multipart("XyZ", &[("value", None, b"v"), ("metadata", None, b"{}")]);
    put(
        server.addr(),
        "a%2Fb?expiration_ttl=60",
        &[FORM, ("X-Extra", "1")],
        &body,
    )
    .await;
    get(server.addr(), "a%2Fb").await;
    let log = server.requests();
    assert_eq!(log.len(), 2);
    let first = &log[0];
    assert_eq!(first.method, "PUT");
    assert_eq!(
        first.raw_path_and_query,
        format!("{}?expiration_ttl=60", values_path("a%2Fb"))
    );
    assert_eq!(first.raw_path(), values_path("a%2Fb"));
    assert_eq!(first.raw_query(), Some("expiration_ttl=60"));
    assert_eq!(first.header("authorization"), Some("Bearer mock-token"));
    assert_eq!(first.header("x-extra"), Some("1"));
    assert_eq!(
        first.header("content-type"),
        Some("multipart/form-data; boundary=XyZ")
    );
    assert_eq!(first.body.as_ref(), body.as_slice());
    assert_eq!(log[1].method, "GET");
    assert_eq!(log[1].raw_query(), None);
    assert!(log[1].body.is_empty());
    server.clear_requests();
    assert!(server.requests().is_empty());
}
