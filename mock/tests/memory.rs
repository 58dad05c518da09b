//! Memory stays flat: under many small writes to one key, and after rejected
//! bodies over 25 MiB. Its own test binary, so no other test allocates meanwhile.
//! The bounds are loose on purpose: they catch a body or log entry kept per
//! request (the old mock grew 5 KB per write and 25 MiB per rejected body).
#![cfg(target_os = "linux")]

#[path = "../../tests/shared/ids.rs"]
mod ids;
#[path = "http/support.rs"]
mod support;

use cloudflare_kv_mock::MockServer;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: i64 = 1024 * 1024;

/// This process's resident set size, in bytes.
fn rss() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kb: i64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// Sends a 30 MiB raw value from one reused 64 KiB buffer and returns the answer.
async fn rejected_upload(server: &MockServer) -> RawResponse {
    const SIZE: usize = 30 * 1024 * 1024;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-token\r\nConnection: close\r\nContent-Length: {SIZE}\r\n\r\n",
        values_path("big")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..SIZE / chunk.len() {
        stream.write_all(&chunk).await.unwrap();
    }
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    parse(&out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat() {
    let server = MockServer::start().await;
    let mut conn = Conn::open(server.addr()).await;
    let body = vec![b'v'; 1024];
    for _ in 0..2_000 {
        assert_success(&conn.send("PUT", &values_path("k"), &body).await);
    }
    let before = rss();
    for _ in 0..20_000 {
        assert_success(&conn.send("PUT", &values_path("k"), &body).await);
    }
    let after_puts = rss();
    eprintln!("RSS {before} before, {after_puts} after 20,000 writes of 1 KiB to one key");
    assert!(
        after_puts - before < 16 * MIB,
        "small writes grew RSS by {} bytes",
        after_puts - before
    );
    for _ in 0..10 {
        let response = rejected_upload(&server).await;
        assert_error(
            &response,
            413,
            10011,
            "Value length exceeds limit of 26214400",
        );
    }
    let after_rejects = rss();
    let grown = after_rejects - after_puts;
    eprintln!("RSS {after_rejects} after ten rejected 30 MiB bodies");
    assert!(
        grown < 64 * MIB,
        "ten rejected 30 MiB bodies grew RSS by {grown} bytes"
    );
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["k"]);
}
