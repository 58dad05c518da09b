//! `cloudflare-kv-mock`: run the mock Workers KV server until Ctrl-C.

use std::process::ExitCode;

use clap::Parser;
use cloudflare_kv_mock::{MockServer, DEFAULT_EMAIL, DEFAULT_KEY, DEFAULT_TOKEN};

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
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let started = MockServer::builder()
        .port(args.port)
        .token(args.token.clone())
        .email_key(args.email.clone(), args.key.clone())
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
    println!("Ctrl-C to stop.");
    let signal = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    match signal {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cloudflare-kv-mock: cannot wait for Ctrl-C: {err}");
            ExitCode::FAILURE
        }
    }
}
