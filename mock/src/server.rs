//! The server: binding, accepting connections, and the handle tests hold.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::auth::Credentials;
use crate::faults::{status_from, Fault, RetryAfter};
use crate::log::LoggedRequest;
use crate::routes::API_PREFIX;
use crate::state::State;
use crate::store::StoredEntry;

/// A running mock of the Workers KV API on `127.0.0.1`.
///
/// It stops when dropped, or when [`MockServer::shutdown`] is awaited.
#[derive(Debug)]
pub struct MockServer {
    state: Arc<State>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Options for a [`MockServer`]: accepted credentials and port.
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    credentials: Credentials,
    port: u16,
}

impl MockServerBuilder {
    /// Accept this API token (`Authorization: Bearer <token>`) instead of `mock-token`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials.token = token.into();
        self
    }

    /// Accept this `X-Auth-Email` / `X-Auth-Key` pair instead of
    /// `user@example.com` / `mock-key`.
    pub fn email_key(mut self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials.email = email.into();
        self.credentials.key = key.into();
        self
    }

    /// Listen on this port of `127.0.0.1`; 0 (the default) lets the OS pick one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds `127.0.0.1:<port>` and starts serving on the current Tokio runtime.
    pub async fn start(self) -> io::Result<MockServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(self.credentials));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state), stopped));
        Ok(MockServer {
            state,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

impl MockServer {
    /// Starts a server with the default credentials on a port the OS picks.
    ///
    /// # Panics
    ///
    /// If `127.0.0.1:0` cannot be bound, which leaves a test nothing to do; use
    /// [`MockServer::builder`] and [`MockServerBuilder::start`] to handle that error.
    pub async fn start() -> MockServer {
        match Self::builder().start().await {
            Ok(server) => server,
            Err(err) => panic!("cloudflare-kv-mock: cannot bind 127.0.0.1:0: {err}"),
        }
    }

    /// Options for a server: credentials and port.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The address the server listens on (always `127.0.0.1`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL a client uses, e.g. `http://127.0.0.1:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// The stored entry for a key (decoded account id, namespace id and key),
    /// whether or not it has expired.
    pub fn get(&self, account_id: &str, namespace_id: &str, key: &str) -> Option<StoredEntry> {
        self.state.store.get(account_id, namespace_id, key)
    }

    /// Stores an entry directly, as a successful write would.
    pub fn insert(&self, account_id: &str, namespace_id: &str, key: &str, entry: StoredEntry) {
        self.state.store.put(account_id, namespace_id, key, entry);
    }

    /// The keys stored in one namespace, sorted.
    pub fn keys(&self, account_id: &str, namespace_id: &str) -> Vec<String> {
        self.state.store.keys(account_id, namespace_id)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.log.all()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }

    /// Answers the next `n` requests with `status` (a `success:false` envelope whose
    /// error code is the status number) and, if given, a `Retry-After` header.
    /// A status outside 100..=999 is sent as 500.
    pub fn fail_next(&self, n: usize, status: u16, retry_after: Option<RetryAfter>) {
        let status = status_from(status);
        self.state.faults.push(
            n,
            &Fault::Fail {
                status,
                retry_after,
            },
        );
    }

    /// Waits `delay` before handling each of the next `n` requests normally.
    pub fn delay_next(&self, n: usize, delay: Duration) {
        self.state.faults.push(n, &Fault::Delay(delay));
    }

    /// Closes the connection of each of the next `n` requests without answering.
    pub fn drop_next(&self, n: usize) {
        self.state.faults.push(n, &Fault::Drop);
    }

    /// Answers the next `n` requests with an HTML page and `status`, as a proxy would.
    pub fn html_next(&self, n: usize, status: u16) {
        self.state.faults.push(n, &Fault::Html(status_from(status)));
    }

    /// How many queued faults are still waiting for a request.
    pub fn pending_faults(&self) -> usize {
        self.state.faults.pending()
    }

    /// Stops accepting, closes open connections, and waits until the port is released.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its `JoinSet`, which aborts every connection.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Accepts connections until told to stop; each is served on its own task.
async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stop: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&state)));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves HTTP/1.1 requests on one connection until it closes.
async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { crate::handler::handle(&state, request).await }
    });
    // Errors here are a client going away or a dropped-connection fault: nothing to report.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
