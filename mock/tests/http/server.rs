//! The server itself: where it listens, concurrency, connection reuse, stopping.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::support::*;
use cloudflare_kv_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn binds_loopback_on_an_os_picked_port() {
    let server = MockServer::start().await;
    assert_eq!(server.addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_ne!(server.addr().port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}/client/v4", server.addr().port())
    );
}

#[tokio::test]
async fn builder_port_is_used() {
    // Find a free port, release it, then ask for it.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let server = MockServer::builder().port(port).start().await.unwrap();
    assert_eq!(server.addr().port(), port);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_twenty_concurrent_puts() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            tokio::spawn(async move {
                let value = format!("value-{i}").repeat(1000);
                put(addr, &format!("key-{i}"), &[], value.as_bytes()).await
            })
        })
        .collect();
    let mut rays = BTreeSet::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert_success(&response);
        rays.insert(response.header("cf-ray").unwrap().to_owned());
    }
    assert_eq!(rays.len(), 20, "each answer has its own cf-ray");
    for i in 0..20 {
        let entry = server.get(ACCOUNT, NAMESPACE, &format!("key-{i}")).unwrap();
        assert_eq!(entry.value, format!("value-{i}").repeat(1000).into_bytes());
    }
    assert_eq!(server.keys(ACCOUNT, NAMESPACE).len(), 20);
}

#[tokio::test]
async fn keep_alive_connection_serves_several_requests() {
    let server = MockServer::start().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let path = values_path("k");
    let one = format!("PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-token\r\nContent-Length: 1\r\n\r\na");
    let two = format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-token\r\nConnection: close\r\n\r\n");
    stream
        .write_all(format!("{one}{two}").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    assert!(text.ends_with("\r\n\r\na"), "{text}");
}

#[tokio::test]
async fn shutdown_releases_the_port() {
    let server = MockServer::start().await;
    let addr = server.addr();
    assert_success(&put(addr, "k", &[], b"v").await);
    server.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn drop_stops_the_server() {
    let server = MockServer::start().await;
    let addr = server.addr();
    drop(server);
    // The abort takes effect when the runtime next polls the server's task.
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("server still accepting after drop");
}

#[tokio::test]
async fn malformed_requests_do_not_stop_the_server() {
    let server = MockServer::start().await;
    let garbage = send_raw(server.addr(), b"\x00\x01 not http\r\n\r\n".to_vec()).await;
    assert!(garbage.is_empty() || garbage.starts_with(b"HTTP/1.1 400"));
    // A client that leaves mid-body.
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",
        values_path("k")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    drop(stream);
    assert_success(&put(server.addr(), "k", &[], b"v").await);
}
