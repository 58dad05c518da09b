//! The server: binding, accepting connections, and the handle tests hold.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use crate::auth::Credentials;
use crate::faults::{status_from, Fault, RetryAfter};
use crate::limits::{
    DEFAULT_LOG_BODY_BYTES, DEFAULT_LOG_CAPACITY, DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT,
};
use crate::log::LoggedRequest;
use crate::routes::API_PREFIX;
use crate::state::{Setup, State};
use crate::store::{Namespace, StoredEntry};

/// A running mock of the Workers KV API on `127.0.0.1`.
///
/// It stops when dropped, or when [`MockServer::shutdown`] is awaited.
pub struct MockServer {
    state: Arc<State>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

// By hand: the state holds credentials, logged headers and stored values, none of
// which a `{:?}` should print. Counts are what a failing test needs.
impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("entries", &self.state.store.entry_count())
            .field("logged_requests", &self.state.log.len())
            .field("pending_faults", &self.state.faults.pending())
            .field("now", &self.state.clock.now())
            .finish_non_exhaustive()
    }
}

/// Options for a [`MockServer`]: credentials, port, bounds, clock.
#[derive(Debug)]
pub struct MockServerBuilder {
    setup: Setup,
    port: u16,
    max_connections: usize,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            setup: Setup {
                credentials: Credentials::default(),
                log_capacity: DEFAULT_LOG_CAPACITY,
                log_body_bytes: DEFAULT_LOG_BODY_BYTES,
                read_timeout: DEFAULT_READ_TIMEOUT,
                strict_namespaces: false,
                start_time: None,
            },
            port: 0,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl MockServerBuilder {
    /// Accept this API token (`Authorization: Bearer <token>`) instead of `mock-token`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.setup.credentials.token = token.into();
        self
    }

    /// Accept this `X-Auth-Email` / `X-Auth-Key` pair instead of
    /// `user@example.com` / `mock-key`.
    pub fn email_key(mut self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.setup.credentials.email = email.into();
        self.setup.credentials.key = key.into();
        self
    }

    /// Listen on this port of `127.0.0.1`; 0 (the default) lets the OS pick one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Keep at most this many requests in the log (default 1,024; 0 keeps none).
    pub fn log_capacity(mut self, requests: usize) -> Self {
        self.setup.log_capacity = requests;
        self
    }

    /// Keep at most this many bytes of each logged body (default 8 KiB).
    pub fn log_body_bytes(mut self, bytes: usize) -> Self {
        self.setup.log_body_bytes = bytes;
        self
    }

    /// Time a client has to send a request's headers, and again its whole body,
    /// before the connection is closed (the body's with a 408). Default 30 s.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.setup.read_timeout = timeout;
        self
    }

    /// Serve at most this many connections at once (default 1,024, at least 1);
    /// further clients wait in the listen queue.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Refuse writes to a namespace that does not exist (404, code 10013) instead
    /// of creating it, as the real API does. Off by default.
    pub fn strict_namespaces(mut self, strict: bool) -> Self {
        self.setup.strict_namespaces = strict;
        self
    }

    /// Start a manual clock at `secs` seconds since the epoch: time then moves
    /// only by [`MockServer::advance`] and [`MockServer::set_time`].
    pub fn start_time(mut self, secs: i64) -> Self {
        self.setup.start_time = Some(secs);
        self
    }

    /// Binds `127.0.0.1:<port>` and starts serving on the current Tokio runtime.
    pub async fn start(self) -> io::Result<MockServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(self.setup));
        let (stop, stopped) = oneshot::channel();
        let permits = Arc::new(Semaphore::new(self.max_connections));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state), permits, stopped));
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

    /// Options for a server: credentials, port, bounds, clock.
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

    /// Shuts down and waits until the port is released.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Reading and seeding what is stored.
impl MockServer {
    /// The stored entry for a key (decoded account id, namespace id and key),
    /// whether or not it has expired.
    pub fn get(&self, account_id: &str, namespace_id: &str, key: &str) -> Option<StoredEntry> {
        self.state.store.get(account_id, namespace_id, key)
    }

    /// Stores an entry directly, as a successful write would, creating the
    /// namespace (titled by its id) if needed, even with strict namespaces.
    pub fn insert(&self, account_id: &str, namespace_id: &str, key: &str, entry: StoredEntry) {
        let pairs = vec![(key.to_owned(), entry)];
        // With `create` set, storing cannot fail.
        let _ = self
            .state
            .store
            .put_all(account_id, namespace_id, pairs, true);
    }

    /// The keys stored in one namespace, expired or not, sorted by their bytes.
    pub fn keys(&self, account_id: &str, namespace_id: &str) -> Vec<String> {
        self.state.store.keys(account_id, namespace_id)
    }

    /// The namespaces of an account, sorted by id.
    pub fn namespaces(&self, account_id: &str) -> Vec<Namespace> {
        self.state.store.namespaces(account_id)
    }

    /// One namespace, if it exists.
    pub fn namespace(&self, account_id: &str, namespace_id: &str) -> Option<Namespace> {
        self.state.store.namespace(account_id, namespace_id).ok()
    }

    /// Creates a namespace with a chosen id and title, or retitles an existing
    /// one (keeping its keys). Titles are not checked for uniqueness here.
    pub fn insert_namespace(&self, account_id: &str, namespace_id: &str, title: &str) {
        self.state
            .store
            .insert_namespace(account_id, namespace_id, title);
    }

    /// Forgets every namespace, entry, logged request and queued fault. The
    /// credentials, bounds and clock stay as they are.
    pub fn reset(&self) {
        self.state.store.clear();
        self.state.log.clear();
        self.state.faults.clear();
    }
}

/// The clock expiration is judged by.
impl MockServer {
    /// The server's time, in whole seconds since the epoch.
    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    /// Moves the server's clock forward, so pairs expire without sleeping.
    pub fn advance(&self, by: Duration) {
        self.state.clock.advance(by);
    }

    /// Stops the server's clock at `secs` seconds since the epoch; from then on
    /// it moves only by [`advance`](Self::advance) and `set_time`.
    pub fn set_time(&self, secs: i64) {
        self.state.clock.set(secs);
    }
}

/// The request log.
impl MockServer {
    /// The requests kept in the log (the most recent ones), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.log.all()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }
}

/// Fault injection. A fault is spent by each request that reaches the server
/// (after it is read), whatever the client is doing: three retries of one call
/// spend three faults. Unspent faults stay queued until spent,
/// [`clear_faults`](Self::clear_faults) or [`reset`](Self::reset).
impl MockServer {
    /// Answers the next `n` requests with `status` (a `success:false` envelope whose
    /// error code is the status number) and, if given, a `Retry-After` header.
    /// A status outside 100..=999 is sent as 500.
    pub fn fail_next(&self, n: usize, status: u16, retry_after: Option<RetryAfter>) {
        let status = status_from(status);
        let fault = Fault::Fail {
            status,
            retry_after,
        };
        self.state.faults.push(n, &fault);
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

    /// Drops every queued fault; returns how many were dropped.
    pub fn clear_faults(&self) -> usize {
        self.state.faults.clear()
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

/// Accepts connections until told to stop, each served on its own task while it
/// holds one of the permits.
async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    permits: Arc<Semaphore>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = accept(&listener, &permits) => match accepted {
                Ok((stream, permit)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&state), permit));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Waits for a free permit, then for a connection.
async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> io::Result<(TcpStream, OwnedSemaphorePermit)> {
    let permit = Arc::clone(permits)
        .acquire_owned()
        .await
        .map_err(|_| io::Error::other("connection permits closed"))?;
    let (stream, _) = listener.accept().await?;
    Ok((stream, permit))
}

/// Serves HTTP/1.1 requests on one connection until it closes.
async fn serve_connection(stream: TcpStream, state: Arc<State>, _permit: OwnedSemaphorePermit) {
    let read_timeout = state.read_timeout;
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { crate::handler::handle(&state, request).await }
    });
    // Errors here are a client going away or a dropped-connection fault: nothing to report.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
