//! Bounds and hostile input: the log ring, stalled clients, redaction, fault
//! bookkeeping, the connection cap.

mod common;

use std::time::Duration;

use cloudflare_kv_mock::MockServer;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes, with a guard so a broken server fails the test
/// instead of hanging it.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    out
}

#[tokio::test]
async fn the_log_is_a_ring_of_recent_requests_with_body_prefixes() {
    let server = MockServer::builder()
        .log_capacity(16)
        .log_body_bytes(100)
        .start()
        .await
        .unwrap();
    let mut conn = Conn::open(server.addr()).await;
    let body = vec![b'x'; 1024];
    for i in 0..2_000 {
        let target = values_path(&format!("k?n={i}"));
        assert_success(&conn.send("PUT", &target, &body).await);
    }
    let log = server.requests();
    assert_eq!(log.len(), 16);
    assert_eq!(log[0].raw_query(), Some("n=1984"));
    assert_eq!(log[15].raw_query(), Some("n=1999"));
    for logged in &log {
        assert_eq!((logged.body.len(), logged.body_len), (100, 1024));
    }
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["k"]);
    let silent = MockServer::builder().log_capacity(0).start().await.unwrap();
    assert_success(&put(silent.addr(), "k", &[], b"v").await);
    assert!(silent.requests().is_empty());
}

#[tokio::test]
async fn a_client_stalling_mid_body_gets_408_and_is_closed() {
    let server = MockServer::builder()
        .read_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-token\r\nContent-Length: 100\r\n\r\nabc",
        values_path("k")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = parse(&read_until_closed(&mut stream).await);
    assert_error(&response, 408, 10408, "Request not received within 200 ms");
    assert_eq!(response.header("connection"), Some("close"));
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
    let logged = server.requests().pop().unwrap();
    assert_eq!((logged.body.as_ref(), logged.body_len), (&b"abc"[..], 3));
    // The server is still there for everyone else.
    assert_success(&put(server.addr(), "k", &[], b"v").await);
}

#[tokio::test]
async fn a_client_stalling_in_its_headers_is_closed() {
    let server = MockServer::builder()
        .read_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"PUT /client/v4 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let bytes = read_until_closed(&mut stream).await;
    assert!(
        bytes.is_empty() || bytes.starts_with(b"HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_drip_fed_body_is_cut_off_at_the_deadline() {
    let server = MockServer::builder()
        .read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-token\r\nContent-Length: 1000\r\n\r\n",
        values_path("k")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // One byte every 50 ms never stalls for long, but never finishes either.
    let (mut reader, mut writer) = stream.into_split();
    let drip = tokio::spawn(async move {
        for _ in 0..1000 {
            if writer.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    drip.abort();
    assert_error(
        &parse(&out),
        408,
        10408,
        "Request not received within 300 ms",
    );
}

#[tokio::test]
async fn debug_never_shows_credentials_or_bodies() {
    let server = MockServer::builder()
        .token("s3cret-token")
        .email_key("me@example.com", "s3cret-key")
        .start()
        .await
        .unwrap();
    let token = [("Authorization", "Bearer s3cret-token")];
    let request = build("PUT", &values_path("k"), &token, b"s3cret-body");
    assert_success(&send(server.addr(), request).await);
    let pair = [
        ("X-Auth-Email", "me@example.com"),
        ("X-Auth-Key", "s3cret-key"),
    ];
    let request = build("PUT", &values_path("k"), &pair, b"s3cret-body");
    assert_success(&send(server.addr(), request).await);
    let server_text = format!("{server:?}");
    let log_text = format!("{:?}", server.requests());
    for text in [&server_text, &log_text] {
        assert!(!text.contains("s3cret"), "{text}");
    }
    assert!(
        server_text.starts_with("MockServer { addr: 127.0.0.1:"),
        "{server_text}"
    );
    assert!(
        server_text.contains("entries: 1, logged_requests: 2, pending_faults: 0"),
        "{server_text}"
    );
    assert!(
        log_text.contains("\"authorization\": [redacted]"),
        "{log_text}"
    );
    assert!(
        log_text.contains("\"x-auth-key\": [redacted]"),
        "{log_text}"
    );
    assert!(log_text.contains("body: <11 bytes>"), "{log_text}");
    // The log itself keeps what was sent, for tests that assert on it.
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer s3cret-token")
    );
}

#[tokio::test]
async fn faults_count_requests_and_can_be_cleared_between_tests() {
    let server = MockServer::start().await;
    // "Test one" queues three 403s; its client does not retry a 403, so it spends one.
    server.fail_next(3, 403, None);
    let response = put(server.addr(), "k", &[], b"v").await;
    assert_error(&response, 403, 403, "injected fault: 403 Forbidden");
    assert_eq!(
        server.pending_faults(),
        2,
        "faults count requests, not calls"
    );
    // Before "test two" shares the server, the leftovers are dropped.
    assert_eq!(server.clear_faults(), 2);
    assert_eq!(server.pending_faults(), 0);
    assert_success(&put(server.addr(), "k", &[], b"v").await);
    // `reset` drops faults too, along with stored data and the log.
    server.fail_next(usize::MAX, 500, None);
    server.reset();
    assert_eq!(server.pending_faults(), 0);
    assert!(server.requests().is_empty());
    assert!(server.namespaces(ACCOUNT).is_empty());
    assert_success(&put(server.addr(), "k", &[], b"v").await);
}

#[tokio::test]
async fn queueing_a_huge_number_of_faults_costs_nothing() {
    let server = MockServer::start().await;
    server.fail_next(usize::MAX, 503, None);
    server.drop_next(usize::MAX);
    assert_eq!(server.pending_faults(), usize::MAX);
    assert_eq!(put(server.addr(), "k", &[], b"v").await.status, 503);
    assert_eq!(server.pending_faults(), usize::MAX);
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let server = MockServer::builder()
        .max_connections(1)
        .start()
        .await
        .unwrap();
    let mut first = Conn::open(server.addr()).await;
    assert_success(&first.send("PUT", &values_path("a"), b"1").await);
    let addr = server.addr();
    let second = tokio::spawn(async move { put(addr, "b", &[], b"2").await });
    // While the first connection stays open the second is not served.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "a second connection was served");
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "b"), None);
    drop(first);
    let response = tokio::time::timeout(Duration::from_secs(10), second).await;
    assert_success(&response.expect("served once a slot was free").unwrap());
}
