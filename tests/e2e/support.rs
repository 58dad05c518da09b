//! The end-to-end layer's support (`tests/e2e/`): the generated SDK pointed at the local
//! `cloudflare-kv-mock` server over real HTTP on 127.0.0.1; the shared test ids and example
//! runner re-exported.
#![allow(dead_code)] // each test module uses a different subset

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cloudflare_kv::{Client, ClientBuilder, ClientBuilderExt, Error, Response, UpdateValueParams};
use cloudflare_kv_mock::{MockServer, DEFAULT_TOKEN};

pub use crate::shared::*;

/// A builder aimed at `server`, for the test account, with backoffs of milliseconds so
/// retries cost almost nothing. No credentials yet.
pub fn builder(server: &MockServer) -> ClientBuilder<Client> {
    Client::builder()
        .base_url(server.base_url())
        .account_id(ACCOUNT)
        .backoff(Duration::from_millis(10), Duration::from_millis(50))
}

/// A client with the mock's default token.
pub fn client(server: &MockServer) -> Client {
    builder(server).api_token(DEFAULT_TOKEN).build().unwrap()
}

/// A client with the mock's default token that lets the server judge every argument.
pub fn unvalidated_client(server: &MockServer) -> Client {
    builder(server)
        .api_token(DEFAULT_TOKEN)
        .validate_requests(false)
        .build()
        .unwrap()
}

/// Writes `params` under `key` in the test namespace.
pub async fn put(
    client: &Client,
    key: &str,
    params: UpdateValueParams,
) -> Result<Response<()>, Error> {
    client
        .kv()
        .namespaces()
        .values()
        .update(NAMESPACE, key, params)
        .await
}

/// The system clock in whole seconds since the UNIX epoch.
pub fn now_secs() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

/// Asserts that `error` carries the mock's answer: this status, and exactly one error
/// with this code and message.
pub fn assert_api_error(error: &Error, status: u16, code: i64, message: &str) {
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
    assert_eq!(error.errors().len(), 1, "{error}");
    assert_eq!(error.errors()[0].code, code, "{error}");
    assert_eq!(error.errors()[0].message, message, "{error}");
}

/// The manual clock's start for tests that judge expiration: a fixed second, so
/// expected expirations are exact numbers.
pub const T0: i64 = 1_700_000_000;

/// A server whose clock stands at [`T0`] and moves only by `advance`.
pub async fn manual_clock_server() -> MockServer {
    MockServer::builder().start_time(T0).start().await.unwrap()
}

/// What the API said in a refusal: status, first error code, first error message.
pub fn refusal(error: &Error) -> (Option<u16>, Option<i64>, Option<String>) {
    let first = error.errors().first();
    (
        error.status().map(|s| s.as_u16()),
        first.map(|m| m.code),
        first.map(|m| m.message.clone()),
    )
}

/// Asserts a 404 of kind `NotFound` with this code and message.
pub fn assert_not_found(error: &Error, code: i64, message: &str) {
    assert_eq!(
        error.kind(),
        cloudflare_kv::ErrorKind::NotFound,
        "{error:?}"
    );
    assert_api_error(error, 404, code, message);
}
