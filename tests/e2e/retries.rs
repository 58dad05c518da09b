//! End to end: retries, Retry-After, timeouts and unreadable answers, observed through
//! the mock's fault injection and its request log.

use std::time::{Duration, Instant};

use crate::support::*;
use cloudflare_kv::{ErrorKind, RequestOptions, UpdateValueParams};
use cloudflare_kv_mock::{MockServer, RetryAfter};

/// Asserts that every request the mock received is the same write of `value` under `k`.
fn assert_same_write_each_time(server: &MockServer, attempts: usize, value: &[u8]) {
    let requests = server.requests();
    assert_eq!(requests.len(), attempts, "attempts the mock saw");
    for request in &requests {
        assert_eq!(request.method, "PUT");
        assert_eq!(request.raw_path_and_query, requests[0].raw_path_and_query);
        assert_eq!(request.body.as_ref(), value);
    }
}

fn stored_value(server: &MockServer) -> Option<Vec<u8>> {
    server
        .get(ACCOUNT, NAMESPACE, "k")
        .map(|entry| entry.value.to_vec())
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let server = MockServer::start().await;
    server.fail_next(1, 429, Some(1.into()));
    let started = Instant::now();
    let response = put(&client(&server), "k", UpdateValueParams::new("v"))
        .await
        .unwrap();
    // A lower bound only: it proves Retry-After: 1 was waited out, not how fast we are.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured ({:?})",
        started.elapsed()
    );
    assert_eq!(response.status().as_u16(), 200);
    assert_same_write_each_time(&server, 2, b"v");
    assert_eq!(stored_value(&server), Some(b"v".to_vec()));
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_not_waited_out() {
    let server = MockServer::start().await;
    server.fail_next(1, 429, Some(RetryAfter::Seconds(120)));
    let error = put(&client(&server), "k", UpdateValueParams::new("v"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_api_error(&error, 429, 429, "injected fault: 429 Too Many Requests");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(stored_value(&server), None);
}

#[tokio::test]
async fn a_503_without_retry_after_is_retried() {
    let server = MockServer::start().await;
    server.fail_next(1, 503, None);
    put(&client(&server), "k", UpdateValueParams::new("v"))
        .await
        .unwrap();
    assert_same_write_each_time(&server, 2, b"v");
    assert_eq!(stored_value(&server), Some(b"v".to_vec()));
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = MockServer::start().await;
    server.fail_next(1, 400, Some(0.into()));
    let error = put(&client(&server), "k", UpdateValueParams::new("v"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_api_error(&error, 400, 400, "injected fault: 400 Bad Request");
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(stored_value(&server), None);
}

#[tokio::test]
async fn exhausted_retries_end_in_the_last_server_error() {
    let server = MockServer::start().await;
    server.fail_next(5, 500, None);
    let client = builder(&server)
        .api_token(cloudflare_kv_mock::DEFAULT_TOKEN)
        .retries(2)
        .build()
        .unwrap();
    let error = put(&client, "k", UpdateValueParams::new("v"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_api_error(
        &error,
        500,
        500,
        "injected fault: 500 Internal Server Error",
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(
        error.to_string(),
        "update-value: HTTP 500 Internal Server Error: 500 injected fault: 500 Internal Server Error (after 3 attempts)"
    );
    assert_same_write_each_time(&server, 3, b"v");
    assert_eq!(server.pending_faults(), 2);
    assert_eq!(stored_value(&server), None);
}

#[tokio::test]
async fn per_request_retries_override_the_clients() {
    let server = MockServer::start().await;
    server.fail_next(2, 502, None);
    let options = RequestOptions::new().retries(0);
    let error = put(
        &client(&server),
        "k",
        UpdateValueParams::new("v").options(options),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.pending_faults(), 1);
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let server = MockServer::start().await;
    server.drop_next(1);
    let value: Vec<u8> = (0..=255).collect();
    put(&client(&server), "k", UpdateValueParams::new(value.clone()))
        .await
        .unwrap();
    assert_same_write_each_time(&server, 2, &value);
    assert_eq!(stored_value(&server), Some(value));
}

/// The page the mock sends as a proxy would, for `502`.
const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";

#[tokio::test]
async fn an_html_502_without_retries_is_a_server_error_with_the_page() {
    let server = MockServer::start().await;
    server.html_next(1, 502);
    let client = builder(&server)
        .api_token(cloudflare_kv_mock::DEFAULT_TOKEN)
        .retries(0)
        .build()
        .unwrap();
    let error = put(&client, "k", UpdateValueParams::new("v"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.content_type(), Some("text/html"));
    assert_eq!(error.body_excerpt(), Some(BAD_GATEWAY_PAGE));
    assert!(error.errors().is_empty());
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        format!(
            "update-value: HTTP 502 Bad Gateway: the body is not a JSON envelope (text/html, {} bytes): {BAD_GATEWAY_PAGE}",
            BAD_GATEWAY_PAGE.len()
        )
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(stored_value(&server), None);
}

#[tokio::test]
async fn an_html_502_is_retried_like_any_5xx() {
    let server = MockServer::start().await;
    server.html_next(1, 502);
    put(&client(&server), "k", UpdateValueParams::new("v"))
        .await
        .unwrap();
    assert_same_write_each_time(&server, 2, b"v");
    assert_eq!(stored_value(&server), Some(b"v".to_vec()));
}

#[tokio::test]
async fn an_answer_slower_than_the_request_timeout_is_a_timeout() {
    let server = MockServer::start().await;
    server.delay_next(1, Duration::from_secs(30));
    let options = RequestOptions::new()
        .timeout(Duration::from_millis(300))
        .retries(0);
    let error = put(
        &client(&server),
        "k",
        UpdateValueParams::new("v").options(options),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.status(), None);
    assert_eq!(error.attempts(), 1);
    assert!(error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let server = MockServer::start().await;
    server.delay_next(1, Duration::from_secs(30));
    // Generous, so the second attempt never times out on a loaded machine.
    let options = RequestOptions::new()
        .timeout(Duration::from_secs(1))
        .retries(1);
    put(
        &client(&server),
        "k",
        UpdateValueParams::new("v").options(options),
    )
    .await
    .unwrap();
    assert_same_write_each_time(&server, 2, b"v");
    assert_eq!(stored_value(&server), Some(b"v".to_vec()));
}
