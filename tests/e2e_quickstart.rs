//! `examples/quickstart.rs` runs with no credentials and no network against the embedded
//! mock, and against the API the environment names when it names one.

mod e2e_support;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use cloudflare_kv_mock::MockServer;
use e2e_support::*;
use serde_json::json;

/// The example's binary, (re)built once per run: `cargo test --test …` alone does not
/// build examples, and a binary left over from an earlier build may be stale.
fn example_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let deps = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_path_buf();
        let profile_dir = deps.parent().unwrap().to_path_buf();
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "-p", "cloudflare-kv", "--example", "quickstart"]);
        // Cargo gives tests variables a shell does not have; some build scripts (ring's)
        // rerun when `CARGO_MANIFEST_DIR` changes, so passing them on would rebuild the
        // TLS stack here and again in the next ordinary build.
        for (name, _) in std::env::vars_os() {
            if set_by_cargo_for_tests(&name.to_string_lossy()) {
                build.env_remove(name);
            }
        }
        if profile_dir
            .file_name()
            .is_some_and(|name| name == "release")
        {
            build.arg("--release");
        }
        assert!(
            build.status().unwrap().success(),
            "building the example failed"
        );
        profile_dir.join("examples").join("quickstart")
    })
}

/// Whether `name` is one of the variables Cargo sets for a running test.
fn set_by_cargo_for_tests(name: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || [
            "OUT_DIR",
            "CARGO_CRATE_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
        ]
        .contains(&name)
}

/// Runs the example with only `vars` in its environment: no `CLOUDFLARE_*` variable (nor
/// proxy setting) leaks in from the one the tests run in.
async fn run_example(vars: &[(&str, &str)]) -> Output {
    let binary = tokio::task::spawn_blocking(example_binary).await.unwrap();
    tokio::process::Command::new(binary)
        .env_clear()
        .envs(vars.iter().copied())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The number in the example's `expiration = N (…)` line.
fn printed_expiration(stdout: &str) -> i64 {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("          expiration     = "))
        .unwrap_or_else(|| panic!("no expiration line in:\n{stdout}"));
    line.split(' ').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn without_credentials_it_writes_to_the_embedded_mock_and_prints_what_was_stored() {
    let before = now_secs();
    let output = run_example(&[]).await;
    let after = now_secs();
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        text(&output.stderr)
    );
    assert_eq!(text(&output.stderr), "");
    let lines: Vec<&str> = stdout.lines().collect();
    for expected in [
        "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set: using the local mock server.",
        "Sent:     PUT /accounts/023e105f4ecef8ad9ca31a8372d0c353/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279/values/My-Key?expiration_ttl=300",
        r#"          value          = "Some Value""#,
        "          expiration_ttl = 300",
        "Answer:   HTTP 200 OK",
        r#"Stored:   value          = "Some Value" (10 bytes)"#,
        "Mock:     stopped.",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in:\n{stdout}");
    }
    let metadata = r#"          metadata       = {"someMetadataKey":"someMetadataValue"}"#;
    assert_eq!(
        lines.iter().filter(|line| **line == metadata).count(),
        2,
        "metadata sent and stored:\n{stdout}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with(
            "Received: PUT /client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279/values/My-Key?expiration_ttl=300 (multipart/form-data, "
        )),
        "{stdout}"
    );
    let expiration = printed_expiration(&stdout);
    assert!(
        (before + 300..=after + 300).contains(&expiration),
        "{expiration}"
    );
    assert_eq!(lines.last(), Some(&"Mock:     stopped."));
}

#[tokio::test]
async fn with_credentials_it_writes_where_the_environment_says() {
    // The "real API" path, aimed at a mock through CLOUDFLARE_BASE_URL: no network.
    let server = MockServer::start().await;
    let base_url = server.base_url();
    let namespace = "7e4b5ac9a3ab4bb9a03ba2f6f7b4d0e1";
    let before = now_secs();
    let output = run_example(&[
        ("CLOUDFLARE_API_TOKEN", cloudflare_kv_mock::DEFAULT_TOKEN),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
        ("CLOUDFLARE_KV_NAMESPACE_ID", namespace),
        ("CLOUDFLARE_BASE_URL", &base_url),
    ])
    .await;
    let after = now_secs();
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&output.stderr)
    );
    assert!(
        stdout.starts_with(&format!("Writing to {base_url}\n")),
        "{stdout}"
    );
    assert!(stdout.contains("Answer:   HTTP 200 OK\n"), "{stdout}");
    let entry = server.get(ACCOUNT, namespace, "My-Key").unwrap();
    assert_eq!(entry.value.as_ref(), b"Some Value");
    assert_eq!(
        entry.metadata,
        Some(json!({"someMetadataKey": "someMetadataValue"}))
    );
    let expiration = entry.expiration.unwrap();
    assert!(
        (before + 300..=after + 300).contains(&expiration),
        "{expiration}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn with_credentials_but_no_namespace_it_says_what_to_set() {
    let output = run_example(&[
        ("CLOUDFLARE_API_TOKEN", "token"),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
    ])
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "");
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("set CLOUDFLARE_KV_NAMESPACE_ID"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn with_half_the_credentials_it_says_which_is_missing() {
    let output = run_example(&[("CLOUDFLARE_API_TOKEN", "token")]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(
        text(&output.stderr),
        "error: CLOUDFLARE_API_TOKEN is set but CLOUDFLARE_ACCOUNT_ID is not: set both to write \
         to the real API, or neither to use the local mock\n"
    );
}

#[tokio::test]
async fn an_api_error_is_printed_not_panicked() {
    let server = MockServer::start().await;
    let output = run_example(&[
        ("CLOUDFLARE_API_TOKEN", "wrong-token"),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
        ("CLOUDFLARE_KV_NAMESPACE_ID", NAMESPACE),
        ("CLOUDFLARE_BASE_URL", &server.base_url()),
    ])
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: update-value: HTTP 403 Forbidden: 10000 Authentication error\n"
    );
    assert!(!text(&output.stdout).contains("wrong-token"));
}
