//! Peak heap memory of reading a 25 MiB value: streamed (`get_stream`, each chunk dropped
//! as it arrives, and written to a file), and whole (`get`, one buffer), measured with a
//! counting global allocator. The server in the same process sends one buffer allocated
//! before the measurements, shared by every answer, so what is counted is the SDK's (and
//! the HTTP stack's) own use.
//!
//! `cargo bench -p cloudflare-kv --bench download_memory`

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use bytes::Bytes;
use cloudflare_kv::{Client, ClientBuilderExt, GetValueParams};
use futures_util::TryStreamExt;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[path = "../tests/counting_alloc/mod.rs"]
mod counting_alloc;
use counting_alloc::{LIVE, PEAK};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";
const SIZE: usize = 26_214_400;

/// The value every answer carries, made once.
static VALUE: OnceLock<Bytes> = OnceLock::new();

async fn answer(
    _request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let value = VALUE.get().cloned().unwrap_or_default();
    let mut response = hyper::Response::new(Full::new(value));
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/octet-stream"),
    );
    Ok(response)
}

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
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

/// Runs `read` and returns the peak heap growth above what was live before it.
async fn peak_of<F: std::future::Future<Output = usize>>(read: F) -> (usize, usize) {
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let bytes = read.await;
    (PEAK.load(Ordering::Relaxed) - baseline, bytes)
}

/// Streams the value, dropping each chunk, and returns how many bytes came.
async fn streamed(client: &Client) -> usize {
    let values = client.kv().namespaces().values();
    let response = values
        .get_stream(NAMESPACE, "big", GetValueParams::new())
        .await
        .unwrap();
    let mut stream = response.into_body();
    let mut total = 0;
    while let Some(chunk) = stream.try_next().await.unwrap() {
        total += chunk.len();
    }
    total
}

/// Streams the value into a file and returns how many bytes were written.
async fn to_file(client: &Client, path: &std::path::Path) -> usize {
    let values = client.kv().namespaces().values();
    let response = values
        .get_stream(NAMESPACE, "big", GetValueParams::new())
        .await
        .unwrap();
    let mut file = tokio::fs::File::create(path).await.unwrap();
    let written = response.into_body().write_to(&mut file).await.unwrap();
    usize::try_from(written).unwrap()
}

/// Reads the value whole and returns its length.
async fn whole(client: &Client) -> usize {
    let values = client.kv().namespaces().values();
    let response = values
        .get(NAMESPACE, "big", GetValueParams::new())
        .await
        .unwrap();
    response.body().len()
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing useful: both run it.
    VALUE.get_or_init(|| Bytes::from(vec![7_u8; SIZE]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let address = serve().await;
        let client = Client::builder()
            .base_url(format!("http://{address}"))
            .api_token("t")
            .account_id(ACCOUNT)
            .build()
            .unwrap();
        // Warm up the connection pool and the server's buffers so they are not counted.
        assert_eq!(streamed(&client).await, SIZE);

        let (stream_peak, streamed_bytes) = peak_of(streamed(&client)).await;
        let path = std::env::temp_dir().join(format!(
            "cloudflare-kv-download-memory-{}",
            std::process::id()
        ));
        let (file_peak, file_bytes) = peak_of(to_file(&client, &path)).await;
        std::fs::remove_file(&path).unwrap();
        let (whole_peak, whole_bytes) = peak_of(whole(&client)).await;
        assert_eq!(
            (streamed_bytes, file_bytes, whole_bytes),
            (SIZE, SIZE, SIZE)
        );

        println!(
            "25 MiB download, peak heap above baseline (the server's shared buffer excluded):"
        );
        println!(
            "  get_stream, chunks dropped: {:>8.2} MiB ({stream_peak} bytes)",
            mib(stream_peak)
        );
        println!(
            "  get_stream, into a file:    {:>8.2} MiB ({file_peak} bytes)",
            mib(file_peak)
        );
        println!(
            "  get, one buffer:            {:>8.2} MiB ({whole_peak} bytes)",
            mib(whole_peak)
        );
    });
}
