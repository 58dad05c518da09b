//! Quickstart: write a key-value pair with metadata and a time to live.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no `CLOUDFLARE_API_TOKEN` and no `CLOUDFLARE_ACCOUNT_ID` in the environment it
//! needs neither credentials nor a network: it starts the local mock server
//! (`cloudflare-kv-mock`) on 127.0.0.1, writes to it, prints what was sent and what the
//! server stored, and stops the mock.
//!
//! With both set it writes to the real API instead, in the namespace named by
//! `CLOUDFLARE_KV_NAMESPACE_ID` (the client is configured by `Client::from_env`, so
//! `CLOUDFLARE_BASE_URL` is honoured too):
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=… CLOUDFLARE_KV_NAMESPACE_ID=… \
//!     cargo run --example quickstart
//! ```

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use cloudflare_kv::{Client, ClientBuilderExt, UpdateValueParams};
use cloudflare_kv_mock::MockServer;
use serde_json::json;

/// The account the demo writes to on the mock.
const DEMO_ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The namespace the demo writes to on the mock.
const DEMO_NAMESPACE_ID: &str = "0f2ac74b498b48028cb68387c421e279";
const KEY: &str = "My-Key";
const VALUE: &str = "Some Value";
/// Seconds the pair lives.
const TTL: i64 = 300;

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match target() {
        Ok(Target::Mock) => against_the_mock().await,
        Ok(Target::Cloudflare { namespace_id }) => against_cloudflare(&namespace_id).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Where to write.
enum Target {
    /// The embedded mock server: no credentials, no network.
    Mock,
    /// The API named by the environment.
    Cloudflare { namespace_id: String },
}

/// Both variables set: the real API; neither: the mock; one of them: a mistake worth
/// pointing out rather than guessing.
fn target() -> Result<Target, BoxError> {
    let token = env("CLOUDFLARE_API_TOKEN").is_some();
    let account = env("CLOUDFLARE_ACCOUNT_ID").is_some();
    match (token, account) {
        (false, false) => Ok(Target::Mock),
        (true, true) => match env("CLOUDFLARE_KV_NAMESPACE_ID") {
            Some(namespace_id) => Ok(Target::Cloudflare { namespace_id }),
            None => Err(
                "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are set, so this writes to \
                 the real API, which needs a namespace to write in: set CLOUDFLARE_KV_NAMESPACE_ID \
                 to the id of one of your KV namespaces (unset both variables to use the local \
                 mock instead)"
                    .into(),
            ),
        },
        (true, false) => Err(half_configured(
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_ACCOUNT_ID",
        )),
        (false, true) => Err(half_configured(
            "CLOUDFLARE_ACCOUNT_ID",
            "CLOUDFLARE_API_TOKEN",
        )),
    }
}

fn half_configured(set: &str, unset: &str) -> BoxError {
    format!(
        "{set} is set but {unset} is not: set both to write to the real API, or neither to use \
         the local mock"
    )
    .into()
}

/// A variable's value; unset, empty and non-Unicode all count as unset.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The write this example makes: `Some Value` under `My-Key`, with metadata and a TTL.
fn params() -> UpdateValueParams {
    UpdateValueParams::new(VALUE)
        .metadata(json!({"someMetadataKey": "someMetadataValue"}))
        .expiration_ttl(TTL)
}

fn print_sent(account_id: &str, namespace_id: &str, params: &UpdateValueParams) {
    let query = params
        .expiration_ttl
        .map_or_else(String::new, |ttl| format!("?expiration_ttl={ttl}"));
    println!(
        "Sent:     PUT /accounts/{account_id}/storage/kv/namespaces/{namespace_id}/values/{KEY}{query}"
    );
    println!("          value          = {VALUE:?}");
    if let Some(metadata) = &params.metadata {
        println!("          metadata       = {metadata}");
    }
    if let Some(ttl) = params.expiration_ttl {
        println!("          expiration_ttl = {ttl}");
    }
}

async fn against_the_mock() -> Result<(), BoxError> {
    println!(
        "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set: using the local mock server."
    );
    let server = MockServer::builder().start().await?;
    println!("Mock:     listening at {}", server.base_url());
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(cloudflare_kv_mock::DEFAULT_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .build()?;

    let params = params();
    print_sent(DEMO_ACCOUNT_ID, DEMO_NAMESPACE_ID, &params);
    let response = client
        .kv()
        .namespaces()
        .values()
        .update(DEMO_NAMESPACE_ID, KEY, params)
        .await?;
    for request in server.requests() {
        let content_type = request.header("content-type").unwrap_or("no Content-Type");
        let media_type = content_type.split(';').next().unwrap_or(content_type);
        println!(
            "Received: {} {} ({media_type}, {} bytes)",
            request.method,
            request.raw_path_and_query,
            request.body.len()
        );
    }
    println!(
        "Answer:   HTTP {}, success = {}",
        response.status(),
        response.success
    );

    let stored = server
        .get(DEMO_ACCOUNT_ID, DEMO_NAMESPACE_ID, KEY)
        .ok_or("the mock answered success but stored nothing under My-Key")?;
    println!(
        "Stored:   value          = {:?} ({} bytes)",
        String::from_utf8_lossy(&stored.value),
        stored.value.len()
    );
    match &stored.metadata {
        Some(metadata) => println!("          metadata       = {metadata}"),
        None => println!("          metadata       = (none)"),
    }
    match stored.expiration {
        Some(at) => println!(
            "          expiration     = {at} (Unix time, {} s from now)",
            at - now()
        ),
        None => println!("          expiration     = (never)"),
    }

    server.shutdown().await;
    println!("Mock:     stopped.");
    Ok(())
}

async fn against_cloudflare(namespace_id: &str) -> Result<(), BoxError> {
    let client = Client::from_env()?;
    println!("Writing to {}", client.core().base_url());
    let account_id = env("CLOUDFLARE_ACCOUNT_ID").unwrap_or_default();
    let params = params();
    print_sent(&account_id, namespace_id, &params);
    let response = client
        .kv()
        .namespaces()
        .values()
        .update(namespace_id, KEY, params)
        .await?;
    println!(
        "Answer:   HTTP {}, success = {}",
        response.status(),
        response.success
    );
    Ok(())
}

/// The system clock in seconds since the UNIX epoch (0 if it is set before 1970).
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
