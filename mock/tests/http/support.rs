//! The mock's tests' support (`tests/http/`, and `tests/memory.rs`): a raw HTTP/1.1 client
//! over `TcpStream`, so tests control every byte of the request target (clients normalise
//! paths, which would hide `%2F` vs `/`); the repository's test ids re-exported.

#![allow(dead_code)] // each test module uses a different subset

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub use crate::ids::{ACCOUNT, NAMESPACE};

/// The exact success body.
pub const SUCCESS: &str = r#"{"success":true,"errors":[],"messages":[],"result":{}}"#;

/// A response as read off the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// The exact body of an error envelope.
pub fn error_body(code: u32, message: &str) -> String {
    format!(
        r#"{{"success":false,"errors":[{{"code":{code},"message":{}}}],"messages":[],"result":null}}"#,
        serde_json::to_string(message).unwrap()
    )
}

/// The raw path of a values route for a raw (already encoded) key.
pub fn values_path(raw_key: &str) -> String {
    format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/values/{raw_key}")
}

/// A request's bytes: request line, `Host`, `Connection: close`, the given
/// headers, `Content-Length` when there is a body, then the body.
pub fn build(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "PUT" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The bearer header with the default token.
pub const BEARER: (&str, &str) = ("Authorization", "Bearer mock-token");

/// Sends raw request bytes and reads the whole response (the server closes the
/// connection because of `Connection: close`). Writing runs beside reading so a
/// server that answers early cannot deadlock the test.
pub async fn send(addr: SocketAddr, request: Vec<u8>) -> RawResponse {
    let bytes = send_raw(addr, request).await;
    parse(&bytes)
}

/// Sends raw request bytes and returns every byte the server sent back.
pub async fn send_raw(addr: SocketAddr, request: Vec<u8>) -> Vec<u8> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let write = tokio::spawn(async move {
        // The server may stop reading early (e.g. 413); that is not a test failure.
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut out = Vec::new();
    let _ = reader.read_to_end(&mut out).await;
    let _ = write.await;
    out
}

/// Parses a response and checks its body against `Content-Length`.
pub fn parse(bytes: &[u8]) -> RawResponse {
    let response = parse_head(bytes);
    if let Some(len) = response.header("content-length") {
        assert_eq!(
            response.body.len(),
            len.parse::<usize>().unwrap(),
            "body length"
        );
    }
    response
}

/// Parses a response without checking the body length (for `HEAD`).
pub fn parse_head(bytes: &[u8]) -> RawResponse {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (n, v) = line.split_once(':').unwrap();
            (n.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    let body = bytes[split + 4..].to_vec();
    RawResponse {
        status,
        headers,
        body,
    }
}

/// `PUT` with the default token and the given extra headers.
pub async fn put(
    addr: SocketAddr,
    raw_key_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    let mut all = vec![BEARER];
    all.extend_from_slice(headers);
    send(
        addr,
        build("PUT", &values_path(raw_key_and_query), &all, body),
    )
    .await
}

/// `GET` with the default token.
pub async fn get(addr: SocketAddr, raw_key: &str) -> RawResponse {
    send(addr, build("GET", &values_path(raw_key), &[BEARER], b"")).await
}

/// Asserts an error answer: status, exact envelope, JSON content type.
pub fn assert_error(response: &RawResponse, status: u16, code: u32, message: &str) {
    assert_eq!(response.status, status, "status; body: {}", response.text());
    assert_eq!(response.text(), error_body(code, message));
    assert_eq!(response.header("content-type"), Some("application/json"));
}

/// Asserts an error answer with status and code, whatever the message.
pub fn assert_error_code(response: &RawResponse, status: u16, code: u32) {
    assert_eq!(response.status, status, "status; body: {}", response.text());
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(json["success"], false);
    assert_eq!(json["errors"][0]["code"], code, "body: {}", response.text());
    assert_eq!(json["messages"], serde_json::json!([]));
    assert_eq!(json["result"], serde_json::Value::Null);
}

/// Asserts the exact success answer.
pub fn assert_success(response: &RawResponse) {
    assert_eq!(response.status, 200, "body: {}", response.text());
    assert_eq!(response.text(), SUCCESS);
    assert_eq!(response.header("content-type"), Some("application/json"));
}

/// A multipart body from `(name, content type, bytes)` parts.
pub fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
        );
        if let Some(ct) = content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// The `Content-Type` of a multipart body with boundary `XyZ`.
pub const FORM: (&str, &str) = ("Content-Type", "multipart/form-data; boundary=XyZ");

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The raw path of any KV route under the test account, e.g. `ns_path("n/keys")`.
pub fn kv_path(rest: &str) -> String {
    format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces{rest}")
}

/// A route of the test namespace, e.g. `ns_path("/keys?limit=10")`.
pub fn ns_path(rest: &str) -> String {
    kv_path(&format!("/{NAMESPACE}{rest}"))
}

/// A request with the default token to any target, on a fresh connection.
pub async fn call(addr: SocketAddr, method: &str, target: &str, body: &[u8]) -> RawResponse {
    send(addr, build(method, target, &[BEARER], body)).await
}

/// The body parsed as JSON.
pub fn json_of(response: &RawResponse) -> serde_json::Value {
    serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", response.text()))
}

/// The exact body of a success envelope with this result (compact JSON text).
pub fn success_with(result: &str) -> String {
    format!(r#"{{"success":true,"errors":[],"messages":[],"result":{result}}}"#)
}

/// The exact body of a listing's success envelope.
pub fn success_paged(result: &str, info: &str) -> String {
    format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":{result},"result_info":{info}}}"#
    )
}

/// Asserts a 200 JSON answer with exactly this body.
pub fn assert_body(response: &RawResponse, body: &str) {
    assert_eq!(response.status, 200, "body: {}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.text(), body);
}

/// One keep-alive HTTP/1.1 connection, for tests that send many requests.
pub struct Conn {
    stream: tokio::io::BufReader<TcpStream>,
}

impl Conn {
    /// Connects to the server.
    pub async fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            stream: tokio::io::BufReader::new(stream),
        }
    }

    /// Whether the server closed the connection: a read ends (or fails) within a guard
    /// of ten seconds, without data.
    pub async fn is_closed_by_server(&mut self) -> bool {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            self.stream.get_mut().read(&mut byte),
        )
        .await;
        matches!(read, Ok(Ok(0)) | Ok(Err(_)))
    }

    /// Sends one request with the default token and reads its answer.
    pub async fn send(&mut self, method: &str, target: &str, body: &[u8]) -> RawResponse {
        self.send_with(method, target, &[BEARER], body).await
    }

    /// Sends one request with these headers and reads its answer.
    pub async fn send_with(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawResponse {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.get_mut().write_all(&bytes).await.unwrap();
        self.read_response().await
    }

    /// Reads one answer: head, then exactly `Content-Length` body bytes.
    async fn read_response(&mut self) -> RawResponse {
        use tokio::io::AsyncBufReadExt;
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let n = self.stream.read_until(b'\n', &mut head).await.unwrap();
            assert!(n > 0, "connection closed mid-answer");
        }
        let mut response = parse_head(&head);
        let len: usize = response.header("content-length").unwrap().parse().unwrap();
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).await.unwrap();
        response.body = body;
        response
    }
}
