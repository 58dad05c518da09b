//! Requests per second for a small PUT and a small GET against a loopback server: the SDK
//! beside the same request written by hand with reqwest, in one run, so the difference is
//! the SDK's cost (validation, encoding, auth selection, envelope or raw decoding).
//!
//! `cargo bench -p cloudflare-kv --bench sdk_overhead`

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use cloudflare_kv::{Client, ClientBuilderExt, GetValueParams, UpdateValueParams};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";
const ENVELOPE: &[u8] = br#"{"success":true,"errors":[],"messages":[],"result":null}"#;

const VALUE: &[u8] = b"Some Value";

/// Reads the whole request; answers a GET with the value's bytes, anything else with the
/// success envelope.
async fn answer(
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let read = request.method() == hyper::Method::GET;
    let _ = request.into_body().collect().await;
    let (body, content_type) = if read {
        (VALUE, "application/octet-stream")
    } else {
        (ENVELOPE, "application/json")
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from_static(body)));
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static(content_type),
    );
    Ok(response)
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 with an OS-chosen port.
async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let connection = hyper::server::conn::http1::Builder::new();
                let _ = connection
                    .serve_connection(TokioIo::new(stream), service_fn(answer))
                    .await;
            });
        }
    });
    address
}

/// A runtime, a server, the SDK's client and a plain reqwest client, and the value's URL.
fn setup() -> (tokio::runtime::Runtime, Client, reqwest::Client, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let address = runtime.block_on(serve());
    let base = format!("http://{address}");
    let client = Client::builder()
        .base_url(&base)
        .api_token("t")
        .account_id(ACCOUNT)
        .build()
        .unwrap();
    let url = format!("{base}/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/values/My-Key");
    (runtime, client, reqwest::Client::new(), url)
}

fn small_put(c: &mut Criterion) {
    let (runtime, client, http, url) = setup();

    let mut group = c.benchmark_group("small_put");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| async {
            let values = client.kv().namespaces().values();
            let response = values
                .update(NAMESPACE, "My-Key", UpdateValueParams::new("Some Value"))
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        })
    });
    group.bench_function("reqwest_by_hand", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = http
                .put(&url)
                .bearer_auth("t")
                .header("content-type", "application/octet-stream")
                .body("Some Value")
                .send()
                .await
                .unwrap();
            let body = response.bytes().await.unwrap();
            let envelope: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(envelope["success"], true);
        })
    });
    group.finish();
}

fn small_get(c: &mut Criterion) {
    let (runtime, client, http, url) = setup();
    let mut group = c.benchmark_group("small_get");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| async {
            let values = client.kv().namespaces().values();
            let response = values
                .get(NAMESPACE, "My-Key", GetValueParams::new())
                .await
                .unwrap();
            assert_eq!(response.body().as_ref(), VALUE);
        })
    });
    group.bench_function("sdk_stream", |b| {
        b.to_async(&runtime).iter(|| async {
            let values = client.kv().namespaces().values();
            let response = values
                .get_stream(NAMESPACE, "My-Key", GetValueParams::new())
                .await
                .unwrap();
            let body = response.into_body().to_bytes(1024).await.unwrap();
            assert_eq!(body.as_ref(), VALUE);
        })
    });
    group.bench_function("reqwest_by_hand", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = http.get(&url).bearer_auth("t").send().await.unwrap();
            assert!(response.status().is_success());
            let body = response.bytes().await.unwrap();
            assert_eq!(body.as_ref(), VALUE);
        })
    });
    group.finish();
}

criterion_group!(benches, small_put, small_get);
criterion_main!(benches);
