//! The wire layer's support (`tests/wire/`, `tests/wire_secrets.rs`, `tests/fixtures_compile.rs`):
//! a wiremock server on 127.0.0.1 and a client pointed at it with tiny backoffs, so retries
//! cost milliseconds; the shared test ids and example runner re-exported.
#![allow(dead_code)] // each test module uses a different subset

use std::time::Duration;

use cloudflare_kv::{Client, ClientBuilder, ClientBuilderExt, Response, UpdateValueParams};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub use crate::shared::*;

/// The path of a write of `key` (already encoded) in the test account and namespace.
pub fn value_path(encoded_key: &str) -> String {
    format!("/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/values/{encoded_key}")
}

/// A builder aimed at `server` with fast retries and the test account.
pub fn builder(server: &MockServer) -> ClientBuilder<Client> {
    Client::builder()
        .base_url(server.uri())
        .account_id(ACCOUNT)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A token-authenticated client aimed at `server`.
pub fn client(server: &MockServer) -> Client {
    builder(server).api_token(TOKEN).build().unwrap()
}

/// The success envelope.
pub fn ok_json() -> serde_json::Value {
    serde_json::json!({"success": true, "errors": [], "messages": [], "result": null})
}

/// A server that answers every PUT with the success envelope.
pub async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_json()))
        .mount(&server)
        .await;
    server
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The one request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut all = received(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request");
    all.remove(0)
}

/// A header of `request` as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// One part of a multipart body, as received.
#[derive(Debug)]
pub struct ReceivedPart {
    pub name: String,
    pub content_type: Option<String>,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// Parses a `multipart/form-data` request body with multer.
pub async fn parts(request: &Request) -> Vec<ReceivedPart> {
    let content_type = header(request, "content-type").unwrap();
    let boundary = multer::parse_boundary(content_type).unwrap();
    let body = bytes::Bytes::from(request.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        let name = field.name().unwrap().to_owned();
        let content_type = field
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.unwrap().to_vec();
        out.push(ReceivedPart {
            name,
            content_type,
            file_name,
            bytes,
        });
    }
    out
}

/// A path in the temp directory unique to this test.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("cloudflare-kv-{}-{name}", std::process::id()))
}

/// Writes `v` under `k` with default parameters.
pub async fn write(client: &Client) -> Result<Response<()>, cloudflare_kv::Error> {
    write_with(client, UpdateValueParams::new("v")).await
}

/// Writes under `k` with `params`.
pub async fn write_with(
    client: &Client,
    params: UpdateValueParams,
) -> Result<Response<()>, cloudflare_kv::Error> {
    client
        .kv()
        .namespaces()
        .values()
        .update(NAMESPACE, "k", params)
        .await
}

/// An environment reader over `vars` only, for `ClientBuilder::from_env_with`.
pub fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: std::collections::HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

/// The path of the test account's namespaces, with `rest` after it (`""`, `"/<id>/keys"`).
pub fn namespaces_path(rest: &str) -> String {
    format!("/accounts/{ACCOUNT}/storage/kv/namespaces{rest}")
}

/// A success envelope holding `result`.
pub fn result_json(result: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"success": true, "errors": [], "messages": [], "result": result})
}

/// A success envelope holding `result` and `result_info`.
pub fn page_json(result: serde_json::Value, info: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"success": true, "errors": [], "messages": [], "result": result, "result_info": info})
}

/// A failure envelope with one error.
pub fn error_json(code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null})
}

/// A server that answers every request with `template`.
pub async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// A server that answers the first `times` requests with `first`, then with `then`.
pub async fn first_then(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

/// The value of query parameter `name` in `request`, if present.
pub fn query_value(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A server that answers every request with what `responder` makes of it.
pub async fn answering_with(responder: impl wiremock::Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}
