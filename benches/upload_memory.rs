//! Peak heap memory of a 25 MiB upload, from memory and from a file, measured with a
//! counting global allocator. The server in the same process drains the body without
//! keeping it, so what is counted is the SDK's (and the HTTP stack's) own use.
//!
//! `cargo bench -p cloudflare-kv --bench upload_memory`

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use cloudflare_kv::{Binary, Client, ClientBuilderExt, UpdateValueParams};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[path = "../tests/counting_alloc/mod.rs"]
mod counting_alloc;
use counting_alloc::{LIVE, PEAK};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";
const SIZE: usize = 26_214_400;

/// Drains the body frame by frame (keeping nothing) and answers the success envelope.
async fn drain(
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let mut body = request.into_body();
    let mut received = 0;
    while let Some(Ok(frame)) = body.frame().await {
        received += frame.data_ref().map_or(0, Bytes::len);
    }
    assert_eq!(received, SIZE);
    let envelope =
        Bytes::from_static(br#"{"success":true,"errors":[],"messages":[],"result":null}"#);
    Ok(hyper::Response::new(Full::new(envelope)))
}

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let connection = hyper::server::conn::http1::Builder::new();
                let _ = connection
                    .serve_connection(TokioIo::new(stream), service_fn(drain))
                    .await;
            });
        }
    });
    address
}

/// Uploads `value` and returns the peak heap growth above what was live before.
async fn peak_of(client: &Client, value: Binary) -> usize {
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let values = client.kv().namespaces().values();
    values
        .update(NAMESPACE, "big", UpdateValueParams::new(value))
        .await
        .unwrap();
    PEAK.load(Ordering::Relaxed) - baseline
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing useful: both run it.
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
        // Warm up the connection pool so it is not counted.
        peak_of(&client, Binary::from(vec![7_u8; SIZE])).await;

        let in_memory = Binary::from(vec![7_u8; SIZE]);
        let memory_peak = peak_of(&client, in_memory).await;

        let path = std::env::temp_dir().join(format!(
            "cloudflare-kv-upload-memory-{}",
            std::process::id()
        ));
        std::fs::write(&path, vec![7_u8; SIZE]).unwrap();
        let from_file = Binary::from_file(&path).await.unwrap();
        let file_peak = peak_of(&client, from_file).await;
        std::fs::remove_file(&path).unwrap();

        println!("25 MiB upload, peak heap above baseline (value buffer itself excluded):");
        println!(
            "  from memory: {:>8.2} MiB ({memory_peak} bytes)",
            mib(memory_peak)
        );
        println!(
            "  from file:   {:>8.2} MiB ({file_peak} bytes)",
            mib(file_peak)
        );
    });
}
