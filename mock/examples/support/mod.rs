//! What the load and memory programs share: their target (an in-process server or
//! a running binary), resident-memory figures, and a keep-alive HTTP client.

#![allow(dead_code)] // each program uses a different subset

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use cloudflare_kv_mock::MockServer;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The account and namespace every request uses.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";

/// Where the requests go, and whose memory is measured.
pub struct Target {
    /// The server's address.
    pub addr: SocketAddr,
    /// The process to measure (`self` for an in-process server).
    pub pid: String,
    /// Kept alive while the program runs, if in-process.
    _server: Option<MockServer>,
}

impl Target {
    /// `--addr HOST:PORT --pid PID` for a running `cloudflare-kv-mock` binary;
    /// without them a release server is started in this process.
    pub async fn from_args(args: &[String]) -> Target {
        match (flag(args, "--addr"), flag(args, "--pid")) {
            (Some(addr), Some(pid)) => Target {
                addr: addr.parse().expect("--addr HOST:PORT"),
                pid,
                _server: None,
            },
            _ => {
                let server = MockServer::start().await;
                Target {
                    addr: server.addr(),
                    pid: "self".to_owned(),
                    _server: Some(server),
                }
            }
        }
    }

    /// A line saying what is measured.
    pub fn describe(&self) -> String {
        match self.pid.as_str() {
            "self" => format!(
                "in-process server on {} (memory: this whole process)",
                self.addr
            ),
            pid => format!("server on {} (memory: process {pid})", self.addr),
        }
    }

    /// The process's current and peak resident set size, in KiB.
    pub fn memory_kib(&self) -> (u64, u64) {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// The value after `name` on the command line.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

/// A number after `name`, or `default`.
pub fn number(args: &[String], name: &str, default: usize) -> usize {
    flag(args, name).map_or(default, |n| n.parse().expect("a number"))
}

/// One keep-alive HTTP/1.1 connection.
pub struct Client {
    sender: SendRequest<Full<Bytes>>,
}

/// An answer: status and body.
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Client {
    /// Connects (no Nagle delay) and drives the connection on its own task.
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        Client { sender }
    }

    /// Sends one request with the mock's default token.
    pub async fn send(&mut self, method: &str, path: &str, body: Bytes) -> Answer {
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1")
            .header("authorization", "Bearer mock-token")
            .body(Full::new(body))
            .expect("request");
        self.sender.ready().await.expect("connection ready");
        let response = self.sender.send_request(request).await.expect("response");
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Answer { status, body }
    }
}

/// The path of a value in the test namespace (the key must need no escaping).
pub fn value_path(key: &str) -> String {
    format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/values/{key}")
}

/// The path of the test namespace's key listing.
pub fn keys_path(query: &str) -> String {
    format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/keys?{query}")
}

/// A duration in microseconds, for printing.
pub fn micros(d: Duration) -> u128 {
    d.as_micros()
}
