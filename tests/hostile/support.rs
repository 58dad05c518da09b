//! The hostile-server layer's support (`tests/hostile/`, `tests/hostile_memory.rs`): bad
//! servers written by hand on raw HTTP/1.1 over a tokio `TcpListener` on 127.0.0.1:0, each
//! counting the bytes it managed to write (so a test can bound what the client read), and a
//! runtime client pointed at one; the shared test ids re-exported.
#![allow(dead_code)]

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kv_runtime::{
    Binary, Body, ClientBuilder, Core, Error, Method, RawResponse, Request, RequestOptions, Scheme,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub use crate::shared::*;

/// The body every test request carries, to look for where it must not go.
pub const BODY: &[u8] = b"value-SECRET-body";

/// Longer than any call of the suite may take; only there so that a regression hangs no CI.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

/// Cloudflare's alternatives: a bearer token, or the email and key headers.
pub const SECURITY: &[&[Scheme]] = &[
    &[Scheme::Bearer],
    &[
        Scheme::ApiKeyHeader("X-Auth-Email"),
        Scheme::ApiKeyHeader("X-Auth-Key"),
    ],
];

/// The two ways to authenticate, for tests that try both.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    Bearer,
    EmailKey,
}

impl Auth {
    pub const BOTH: [Auth; 2] = [Auth::Bearer, Auth::EmailKey];

    pub fn apply<C: From<Core>>(self, builder: ClientBuilder<C>) -> ClientBuilder<C> {
        match self {
            Auth::Bearer => builder.api_token(TOKEN),
            Auth::EmailKey => builder.email_key(EMAIL, API_KEY),
        }
    }
}

/// A runtime client builder for `base`, with tiny backoffs so that retries cost
/// milliseconds, and a short deadline so that nothing in the suite takes long.
pub fn builder(base: &str) -> ClientBuilder<Core> {
    ClientBuilder::<Core>::new("https://api.cloudflare.com/client/v4")
        .base_url(base)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
        .deadline(Duration::from_secs(10))
}

/// A token client for `server` built by [`builder`].
pub fn core(server: &Server) -> Core {
    builder(&server.url()).api_token(TOKEN).build().unwrap()
}

/// An idempotent PUT of [`BODY`], like a value write.
pub fn put() -> Request {
    Request {
        operation: "hostile-put",
        method: Method::PUT,
        path: "/accounts/a/storage/kv/namespaces/n/values/k".into(),
        query: Vec::new(),
        headers: Vec::new(),
        body: Body::raw("application/octet-stream", Binary::from(BODY)),
        security: SECURITY,
        idempotent: true,
        options: RequestOptions::new(),
    }
}

/// Sends `request` through `core`, failing the test if the call outlives [`HANG_GUARD`].
pub async fn send(core: &Core, request: Request) -> Result<RawResponse, Error> {
    match tokio::time::timeout(HANG_GUARD, core.send(request)).await {
        Ok(result) => result,
        Err(_) => panic!("the call hung past {HANG_GUARD:?}"),
    }
}

/// `send`, then the JSON decoder.
pub async fn send_json(core: &Core, request: Request) -> Result<serde_json::Value, Error> {
    let raw = send(core, request).await?;
    kv_runtime::decode_json::<serde_json::Value>(raw).map(|r| r.into_body())
}

/// One accepted connection whose request has been read; the handler answers on it.
pub struct Conn {
    stream: TcpStream,
    written: Arc<AtomicU64>,
    /// The request's head (request line and headers), as text.
    pub head: String,
    /// 0 for the first request the server received, 1 for the second…
    pub index: usize,
}

impl Conn {
    /// Writes all of `bytes`, counting what got out before any failure.
    pub async fn send(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let n = self.stream.write(bytes).await?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            self.written.fetch_add(n as u64, Ordering::Relaxed);
            bytes = &bytes[n..];
        }
        Ok(())
    }

    /// Writes `chunk` again and again, `times` times (forever with `u64::MAX`), so that a
    /// huge body is generated on the fly and never held.
    pub async fn repeat(&mut self, chunk: &[u8], times: u64) -> io::Result<()> {
        for _ in 0..times {
            self.send(chunk).await?;
        }
        Ok(())
    }

    /// Ends the connection with a TCP reset instead of an orderly close.
    pub fn reset(self) {
        // Deprecated because a non-zero linger blocks on drop; a zero linger resets at once.
        #[allow(deprecated)]
        let _ = self.stream.set_linger(Some(Duration::ZERO));
    }
}

/// A server that runs until dropped; `written` counts the bytes it sent, `requests` the
/// requests it read.
pub struct Server {
    pub addr: SocketAddr,
    pub scheme: &'static str,
    pub written: Arc<AtomicU64>,
    pub requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Server {
    /// A server whose accept loop `task` the caller started, counting its requests in
    /// `requests` (it counts no written bytes).
    pub fn started(
        addr: SocketAddr,
        scheme: &'static str,
        requests: Arc<AtomicUsize>,
        task: JoinHandle<()>,
    ) -> Server {
        Server {
            addr,
            scheme,
            written: Arc::new(AtomicU64::new(0)),
            requests,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves every connection with `handler`, after reading the request (head and a body of
/// `Content-Length` bytes, at most 1 MiB). Answers should say `Connection: close`.
pub async fn serve<F, Fut>(handler: F) -> Server
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let written = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let handler = Arc::new(handler);
    let (count, sent) = (requests.clone(), written.clone());
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (handler, count, sent) = (handler.clone(), count.clone(), sent.clone());
            tokio::spawn(async move {
                let Ok(head) = read_request(&mut stream).await else {
                    return;
                };
                let index = count.fetch_add(1, Ordering::Relaxed);
                let conn = Conn {
                    stream,
                    written: sent,
                    head,
                    index,
                };
                let _ = handler(conn).await;
            });
        }
    });
    Server {
        addr,
        scheme: "http",
        written,
        requests,
        task,
    }
}

/// Serves `answer` (a whole HTTP response) to every request.
pub async fn answer_always(answer: Vec<u8>) -> Server {
    let answer = Arc::new(answer);
    serve(move |mut conn| {
        let answer = answer.clone();
        async move { conn.send(&answer).await }
    })
    .await
}

/// The header line of a JSON answer.
pub const JSON: &[&str] = &["Content-Type: application/json"];
/// The header line of a raw value.
pub const OCTETS: &[&str] = &["Content-Type: application/octet-stream"];

/// A body made on the fly and never held: `prefix`, then `unit` over and over until
/// about `total` bytes in all (forever with `u64::MAX`), then `suffix`.
#[derive(Clone, Copy)]
pub struct Generated {
    pub prefix: &'static [u8],
    pub unit: &'static [u8],
    pub total: u64,
    pub suffix: &'static [u8],
}

impl Generated {
    pub const fn new(
        prefix: &'static [u8],
        unit: &'static [u8],
        total: u64,
        suffix: &'static [u8],
    ) -> Self {
        Generated {
            prefix,
            unit,
            total,
            suffix,
        }
    }

    /// `unit` forever.
    pub const fn endless(unit: &'static [u8]) -> Self {
        Self::new(b"", unit, u64::MAX, b"")
    }

    /// Writes it to `conn` in chunks of 64 KiB made once.
    pub async fn write(self, conn: &mut Conn) -> io::Result<()> {
        conn.send(self.prefix).await?;
        let chunk = self.unit.repeat(64 * 1024 / self.unit.len());
        let ends = (self.prefix.len() + self.suffix.len()) as u64;
        let times = self.total.saturating_sub(ends) / chunk.len() as u64;
        conn.repeat(&chunk, times).await?;
        conn.send(self.suffix).await
    }
}

/// A server that answers every request with `status`, the `headers` lines (no length
/// unless among them: the body then ends when the connection closes) and `body`.
pub async fn huge(
    status: &'static str,
    headers: &'static [&'static str],
    body: Generated,
) -> Server {
    serve(move |mut conn| async move {
        conn.send(head(status, headers).as_bytes()).await?;
        body.write(&mut conn).await
    })
    .await
}

/// A response head with `Connection: close` and the given extra header lines.
pub fn head(status: &str, headers: &[&str]) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for line in headers {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text
}

/// A whole response: `head` with `Content-Length` and `body`.
pub fn response(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let length = format!("Content-Length: {}", body.len());
    let mut all: Vec<&str> = headers.to_vec();
    all.push(&length);
    let mut bytes = head(status, &all).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Reads a request head and drains its body; the head comes back as text.
async fn read_request(stream: &mut (impl AsyncRead + Unpin)) -> io::Result<String> {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        if buffer.len() > 64 * 1024 || stream.read(&mut byte).await? == 0 {
            return Err(io::ErrorKind::InvalidData.into());
        }
        buffer.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buffer).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let mut body = stream.take(length.min(1 << 20));
    tokio::io::copy(&mut body, &mut tokio::io::sink()).await?;
    Ok(head)
}

/// A listener that must never be reached: it records every byte anyone sends it.
pub struct Trap {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<u8>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Trap {
    pub async fn start() -> Trap {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (store, count) = (received.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(record(stream, store.clone()));
            }
        });
        Trap {
            addr,
            received,
            connections,
            task,
        }
    }

    /// How many connections were made to it.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Everything it received, as lossy text.
    pub fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }
}

impl Drop for Trap {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(mut stream: impl AsyncRead + AsyncWrite + Unpin, store: Arc<Mutex<Vec<u8>>>) {
    let mut buffer = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        store.lock().unwrap().extend_from_slice(&buffer[..n]);
    }
}
