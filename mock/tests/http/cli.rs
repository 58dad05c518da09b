//! The `cloudflare-kv-mock` binary: prints its base URL, token and an account id, serves,
//! stops on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use crate::support::*;

#[tokio::test]
async fn binary_serves_until_interrupted() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudflare-kv-mock"))
        .args(["--port", "0", "--token", "cli-token"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines.next().unwrap().unwrap();
    let token_line = lines.next().unwrap().unwrap();
    let base_url = url_line.strip_prefix("base URL: ").unwrap();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/client/v4"),
        "{base_url}"
    );
    assert_eq!(token_line, "token:    cli-token");
    let _email = lines.next().unwrap().unwrap();
    assert_eq!(
        lines.next().unwrap().unwrap(),
        "account:  023e105f4ecef8ad9ca31a8372d0c353 (any id works; each account has its own namespaces)"
    );

    let authority = base_url
        .trim_start_matches("http://")
        .trim_end_matches("/client/v4");
    let addr: SocketAddr = authority.parse().unwrap();
    let request = build(
        "PUT",
        &values_path("k"),
        &[("Authorization", "Bearer cli-token")],
        b"v",
    );
    assert_success(&send(addr, request).await);

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}
