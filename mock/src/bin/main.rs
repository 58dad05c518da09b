//! `cloudflare-kv-mock`: run the mock Workers KV server until Ctrl-C.
//!
//! `cargo run -p cloudflare-kv-mock -- --port 8787` (the `cli` feature, on by default).

use std::future::Future;
use std::process::ExitCode;
use std::task::Poll;
use std::time::Duration;

use clap::Parser;
use cloudflare_kv_mock::{limits, MockServer, DEFAULT_EMAIL, DEFAULT_KEY, DEFAULT_TOKEN};

/// The account id printed for clients to use (the one in the API reference's examples).
const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// A local, stateful, validating mock of Cloudflare's Workers KV API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 to listen on; 0 lets the OS pick one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// API token accepted in `Authorization: Bearer <token>`.
    #[arg(long, default_value = DEFAULT_TOKEN)]
    token: String,
    /// Email accepted in `X-Auth-Email` (with `--key`).
    #[arg(long, default_value = DEFAULT_EMAIL)]
    email: String,
    /// Key accepted in `X-Auth-Key` (with `--email`).
    #[arg(long, default_value = DEFAULT_KEY)]
    key: String,
    /// Refuse writes to namespaces that were never created (404, code 10013).
    #[arg(long)]
    strict_namespaces: bool,
    /// How many recent requests the request log keeps.
    #[arg(long, default_value_t = limits::DEFAULT_LOG_CAPACITY)]
    log_capacity: usize,
    /// Seconds a client has to send a request's headers, and again its body.
    #[arg(long, default_value_t = limits::DEFAULT_READ_TIMEOUT.as_secs())]
    read_timeout_secs: u64,
    /// Connections served at once; when all are open, the one idle longest makes room.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Keys one namespace may hold; a write past it is refused (429, code 10048).
    #[arg(long, default_value_t = cloudflare_kv_mock::DEFAULT_MAX_KEYS_PER_NAMESPACE)]
    max_keys_per_namespace: usize,
    /// Namespaces the server may hold, over all accounts (429, code 10048 past it).
    #[arg(long, default_value_t = cloudflare_kv_mock::DEFAULT_MAX_NAMESPACES)]
    max_namespaces: usize,
    /// Bytes the server may store: keys, values and metadata, plus 128 per pair
    /// (429, code 10048 past it).
    #[arg(long, default_value_t = cloudflare_kv_mock::DEFAULT_MAX_STORED_BYTES)]
    max_stored_bytes: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Polled once before anything is printed, so the Ctrl-C handler is installed
    // by the time a caller reads the base URL and may interrupt.
    let mut signal = Box::pin(tokio::signal::ctrl_c());
    let early = std::future::poll_fn(|cx| Poll::Ready(signal.as_mut().poll(cx))).await;
    let started = MockServer::builder()
        .port(args.port)
        .token(args.token.clone())
        .email_key(args.email.clone(), args.key.clone())
        .strict_namespaces(args.strict_namespaces)
        .log_capacity(args.log_capacity)
        .read_timeout(Duration::from_secs(args.read_timeout_secs))
        .max_connections(args.max_connections)
        .max_keys_per_namespace(args.max_keys_per_namespace)
        .max_namespaces(args.max_namespaces)
        .max_stored_bytes(args.max_stored_bytes)
        .start()
        .await;
    let server = match started {
        Ok(server) => server,
        Err(err) => {
            eprintln!(
                "cloudflare-kv-mock: cannot listen on 127.0.0.1:{}: {err}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    // The mock's credentials are test values, so printing them is the point.
    println!("base URL: {}", server.base_url());
    println!("token:    {}", args.token);
    println!("email:    {} / key: {}", args.email, args.key);
    // Any account id is accepted (each has its own namespaces); this one is the docs'.
    println!("account:  {ACCOUNT_ID} (any id works; each account has its own namespaces)");
    println!();
    println!("export CLOUDFLARE_BASE_URL={}", server.base_url());
    println!("export CLOUDFLARE_API_TOKEN={}", args.token);
    println!("export CLOUDFLARE_ACCOUNT_ID={ACCOUNT_ID}");
    println!();
    println!("Ctrl-C to stop.");
    let signal = match early {
        Poll::Ready(result) => result,
        Poll::Pending => signal.await,
    };
    server.shutdown().await;
    match signal {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cloudflare-kv-mock: cannot wait for Ctrl-C: {err}");
            ExitCode::FAILURE
        }
    }
}
