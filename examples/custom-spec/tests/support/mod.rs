//! A local HTTP/1.1 server on 127.0.0.1:0 that answers from a script and records every
//! request as it arrived on the wire (request line, headers, body bytes).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Requests larger than this are cut off (a test bound, not a protocol rule).
const MAX_REQUEST: usize = 64 * 1024;
/// How long a connection may sit idle before the server drops it.
const IDLE: Duration = Duration::from_secs(5);

/// One request as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// `POST /v1/lists/inbox/todos HTTP/1.1`
    pub line: String,
    /// Header names in lower case with their values, sorted by name.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
}

/// A scripted answer: status, `Content-Type` (if any), body.
pub type Answer = (u16, Option<&'static str>, &'static str);

/// The server; stopped when dropped.
pub struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server that gives `answers` in order, one per request.
    pub async fn start(answers: Vec<Answer>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(answers.into_iter()));
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&recorded), Arc::clone(&script)));
            }
        });
        Server {
            base_url,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:<port>/v1`, the API's base path on this server.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Script = Arc<Mutex<std::vec::IntoIter<Answer>>>;

/// Answers the requests of one keep-alive connection until it closes or idles.
async fn serve(mut stream: TcpStream, recorded: Arc<Mutex<Vec<Recorded>>>, script: Script) {
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await {
        recorded.lock().unwrap().push(request);
        let next = script.lock().unwrap().next();
        let (status, content_type, body) = next.unwrap_or((500, None, "no answer scripted"));
        let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
        if let Some(content_type) = content_type {
            head.push_str(&format!("content-type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        let answer = [head.as_bytes(), body.as_bytes()].concat();
        if stream.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// Reads one request (head and a `Content-Length` body) from `stream`.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        fill(stream, buffer).await?;
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_owned();
    let mut headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    headers.sort();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(Some(0), |(_, value)| value.parse().ok())?;
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        fill(stream, buffer).await?;
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Recorded {
        line,
        headers,
        body,
    })
}

/// Appends what the peer sends next; `None` at its end, on idling, or past the bound.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 4096];
    let read = tokio::time::timeout(IDLE, stream.read(&mut chunk))
        .await
        .ok()?
        .ok()?;
    if read == 0 || buffer.len() + read > MAX_REQUEST {
        return None;
    }
    buffer.extend_from_slice(&chunk[..read]);
    Some(())
}
