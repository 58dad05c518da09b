//! Bounds and hostile input: the log ring, stalled clients, redaction, fault
//! bookkeeping, the connection cap.

use std::time::Duration;

use crate::support::*;
use cloudflare_kv_mock::MockServer;
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
async fn an_idle_connection_makes_room_for_a_new_one() {
    let server = MockServer::builder()
        .max_connections(1)
        .start()
        .await
        .unwrap();
    let mut first = Conn::open(server.addr()).await;
    assert_success(&first.send("PUT", &values_path("a"), b"1").await);
    // `first` stays open, idle between keep-alive requests: the next client evicts it.
    let response =
        tokio::time::timeout(Duration::from_secs(30), put(server.addr(), "b", &[], b"2"))
            .await
            .expect("the new client was served");
    assert_success(&response);
    let stats = server.connection_stats();
    assert_eq!((stats.accepted, stats.evicted), (2, 1));
    assert!(
        first.is_closed_by_server().await,
        "the idle connection was closed"
    );
}

#[tokio::test]
async fn the_idle_connection_is_evicted_never_the_busy_one() {
    let server = MockServer::builder()
        .max_connections(2)
        .start()
        .await
        .unwrap();
    let addr = server.addr();
    // `idle` made one request and stays open; `busy` waits an hour for its answer.
    let mut idle = Conn::open(addr).await;
    assert_success(&idle.send("PUT", &values_path("a"), b"1").await);
    server.delay_next(1, Duration::from_secs(3600));
    let busy = tokio::spawn(async move { put(addr, "b", &[], b"2").await });
    while server.pending_faults() > 0 {
        tokio::task::yield_now().await;
    }
    let fresh = tokio::time::timeout(Duration::from_secs(30), put(addr, "c", &[], b"3"))
        .await
        .expect("the fresh client was served");
    assert_success(&fresh);
    assert!(
        idle.is_closed_by_server().await,
        "the idle connection was closed"
    );
    assert!(!busy.is_finished(), "the busy connection was cut");
    assert_eq!(server.connection_stats().evicted, 1);
    busy.abort();
}

/// 2,000 idle keep-alive connections against the default 1,024 slots: a fresh request is
/// still answered, because the longest-idle connections are closed to make room. The
/// timeout only guards against a hang; the assertion is on the counters.
#[tokio::test]
async fn two_thousand_idle_connections_do_not_starve_a_fresh_request() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let mut idle = Vec::with_capacity(2000);
    for _ in 0..2000 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let fresh = tokio::time::timeout(Duration::from_secs(60), put(addr, "fresh", &[], b"v"))
        .await
        .expect("the fresh request was answered");
    assert_success(&fresh);
    let stats = server.connection_stats();
    assert_eq!(stats.accepted, 2001);
    // At most 1,024 open at once: every connection past that evicted an idle one.
    assert!(stats.evicted >= 2001 - 1024, "{stats:?}");
    assert!(stats.open <= 1024, "{stats:?}");
    drop(idle);
}

/// A bulk write of `count` tiny pairs (`k0000000` = `v`, numbered from `first`).
fn tiny_pairs(first: usize, count: usize) -> Vec<u8> {
    let mut body = String::with_capacity(count * 28 + 2);
    body.push('[');
    for n in first..first + count {
        if n > first {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"key":"k{n:07}","value":"v"}}"#));
    }
    body.push(']');
    body.into_bytes()
}

/// One million keys offered in 100 bulk writes of 10,000, spread over ten namespaces: the
/// store keeps within every cap, refuses the rest whole with 429 / 10048, and its counters
/// say exactly what it holds. Each pair is charged 128 + 8 (key) + 1 (value) = 137 bytes.
#[tokio::test]
async fn a_million_keys_offered_stay_within_the_caps() {
    const BYTES_CAP: u64 = 16 * 1024 * 1024;
    let server = MockServer::builder()
        .max_namespaces(5)
        .max_keys_per_namespace(30_000)
        .max_stored_bytes(BYTES_CAP)
        .start()
        .await
        .unwrap();
    let mut accepted = 0;
    for i in 0..100 {
        let namespace = format!("{:032x}", i % 10);
        let target =
            format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{namespace}/bulk");
        let body = tiny_pairs(i * 10_000, 10_000);
        let response = send(server.addr(), build("PUT", &target, &[BEARER], &body)).await;
        if response.status == 200 {
            accepted += 1;
        } else {
            assert_error_code(&response, 429, 10048);
        }
        let usage = server.usage();
        assert!(usage.namespaces <= 5, "{usage:?}");
        assert!(usage.largest_namespace <= 30_000, "{usage:?}");
        assert!(usage.bytes <= BYTES_CAP, "{usage:?}");
    }
    // Namespaces 5..9 are refused by the namespace cap; 0..4 take a write each round
    // until the bytes cap: 12 writes (120,000 pairs, 16,440,000 bytes) fit, a 13th does not.
    let usage = server.usage();
    assert_eq!(accepted, 12);
    assert_eq!(usage.keys, 120_000);
    assert_eq!(usage.namespaces, 5);
    assert_eq!(usage.bytes, 120_000 * 137);
    assert_eq!(usage.largest_namespace, 30_000);
    assert_eq!(usage.refused_writes, 88);
}

#[tokio::test]
async fn each_cap_refuses_with_its_own_message() {
    let server = MockServer::builder()
        .max_namespaces(1)
        .max_keys_per_namespace(2)
        .max_stored_bytes(1_000)
        .start()
        .await
        .unwrap();
    let addr = server.addr();
    assert_success(&put(addr, "a", &[], b"1").await);
    assert_success(&put(addr, "b", &[], b"2").await);
    assert_error(
        &put(addr, "c", &[], b"3").await,
        429,
        10048,
        "Storage limit reached: the namespace already holds its limit of 2 keys",
    );
    // Overwriting a key adds none: allowed while the bytes fit.
    assert_success(&put(addr, "a", &[], b"11").await);
    assert_error(
        &put(addr, "a", &[], &[b'x'; 1000]).await,
        429,
        10048,
        "Storage limit reached: the write would pass the limit of 1000 stored bytes",
    );
    let other = "/client/v4/accounts/x/storage/kv/namespaces";
    let create = build("POST", other, &[BEARER], br#"{"title":"t"}"#);
    assert_error(
        &send(addr, create).await,
        429,
        10048,
        "Storage limit reached: the limit of 1 namespaces is reached",
    );
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "a").unwrap().value, "11");
    assert!(!server.insert_namespace("x", "n2", "t"));
    let usage = server.usage();
    assert_eq!(
        (usage.keys, usage.namespaces, usage.refused_writes),
        (2, 1, 4)
    );
}
