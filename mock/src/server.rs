//! The server: binding, accepting connections, and the handle tests hold.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, OwnedSemaphorePermit};
use tokio::task::{JoinHandle, JoinSet};

use crate::auth::Credentials;
use crate::caps::{Caps, StoreUsage};
use crate::connections::{ConnectionStats, Guarded, Slot, Slots};
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
    slots: Arc<Slots>,
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
                caps: Caps::default(),
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

    /// Serve at most this many connections at once (default 1,024, at least 1). When
    /// all are open and another client connects, the connection idle longest is closed to
    /// make room; if every one is serving a request, the client waits for one to finish.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Hold at most this many keys in one namespace (default
    /// [`DEFAULT_MAX_KEYS_PER_NAMESPACE`](crate::DEFAULT_MAX_KEYS_PER_NAMESPACE), 100,000).
    /// A write past it is refused whole: 429, code 10048.
    pub fn max_keys_per_namespace(mut self, keys: usize) -> Self {
        self.setup.caps.keys_per_namespace = keys;
        self
    }

    /// Hold at most this many namespaces over all accounts (default
    /// [`DEFAULT_MAX_NAMESPACES`](crate::DEFAULT_MAX_NAMESPACES), 1,000). Creating one past
    /// it is refused: 429, code 10048.
    pub fn max_namespaces(mut self, namespaces: usize) -> Self {
        self.setup.caps.namespaces = namespaces;
        self
    }

    /// Store at most this many bytes (default
    /// [`DEFAULT_MAX_STORED_BYTES`](crate::DEFAULT_MAX_STORED_BYTES), 512 MiB), each pair
    /// counted as its key, value and metadata plus
    /// [`ENTRY_OVERHEAD_BYTES`](crate::ENTRY_OVERHEAD_BYTES). A write past it is refused
    /// whole: 429, code 10048.
    pub fn max_stored_bytes(mut self, bytes: u64) -> Self {
        self.setup.caps.stored_bytes = bytes;
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
        let slots = Arc::new(Slots::new(self.max_connections));
        let task = tokio::spawn(accept_loop(
            listener,
            Arc::clone(&state),
            Arc::clone(&slots),
            stopped,
        ));
        Ok(MockServer {
            state,
            slots,
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
    /// namespace (titled by its id) if needed, even with strict namespaces. Returns
    /// `false`, storing nothing, when a cap of the store would be passed.
    pub fn insert(
        &self,
        account_id: &str,
        namespace_id: &str,
        key: &str,
        entry: StoredEntry,
    ) -> bool {
        let pairs = vec![(key.to_owned(), entry)];
        self.state
            .store
            .put_all(account_id, namespace_id, pairs, true)
            .is_ok()
    }

    /// What the store holds, as its caps count it, and how many writes the caps refused.
    pub fn usage(&self) -> StoreUsage {
        self.state.store.usage()
    }

    /// Connections accepted, open, and closed while idle to make room for new ones.
    pub fn connection_stats(&self) -> ConnectionStats {
        self.slots.stats()
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
    /// one (keeping its keys). Titles are not checked for uniqueness here. Returns
    /// `false`, creating nothing, when the namespace cap is reached.
    pub fn insert_namespace(&self, account_id: &str, namespace_id: &str, title: &str) -> bool {
        self.state
            .store
            .insert_namespace(account_id, namespace_id, title)
            .is_ok()
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
/// holds one of the slots' permits. A client that connects while every slot is taken
/// waits, accepted, until [`Slots::admit`] frees one (by evicting an idle connection).
async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    slots: Arc<Slots>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    let mut waiting: Option<TcpStream> = None;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept(), if waiting.is_none() => match accepted {
                Ok((stream, _)) => waiting = Some(stream),
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(permit) = slots.admit(), if waiting.is_some() => {
                if let Some(stream) = waiting.take() {
                    let serve = serve_connection(stream, Arc::clone(&state), Arc::clone(&slots), permit);
                    connections.spawn(serve);
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// How long an evicted connection may take to finish what it is doing (sending the rest
/// of an answer, say) before it is dropped.
const EVICTION_GRACE: Duration = Duration::from_secs(1);

/// Serves HTTP/1.1 requests on one connection until it closes or is evicted.
async fn serve_connection(
    stream: TcpStream,
    state: Arc<State>,
    slots: Arc<Slots>,
    _permit: OwnedSemaphorePermit,
) {
    let (id, slot) = slots.register();
    let read_timeout = state.read_timeout;
    let service = {
        let (slots, slot) = (Arc::clone(&slots), Arc::clone(&slot));
        service_fn(move |request| {
            let state = Arc::clone(&state);
            let busy = slots.begin(&slot);
            async move {
                let response = crate::handler::handle(&state, request).await?;
                Ok::<_, crate::handler::NoAnswer>(response.map(|body| Guarded::new(body, busy)))
            }
        })
    };
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        .serve_connection(TokioIo::new(stream), service);
    serve_until_evicted(connection, &slot).await;
    slots.remove(id);
}

/// Drives a connection to its end, or closes it when its slot is told to.
async fn serve_until_evicted<S>(connection: http1::Connection<TokioIo<TcpStream>, S>, slot: &Slot)
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = Guarded>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut connection = std::pin::pin!(connection);
    // Errors here are a client going away or a dropped-connection fault: nothing to report.
    tokio::select! {
        _ = connection.as_mut() => {}
        () = slot.close.notified() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(EVICTION_GRACE, connection).await;
        }
    }
}
