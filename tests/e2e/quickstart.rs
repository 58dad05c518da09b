//! `examples/quickstart.rs` runs with no credentials and no network against the embedded
//! mock, and against the API the environment names when it names one.

use std::process::Output;

use crate::support::*;
use cloudflare_kv_mock::MockServer;

/// Runs the example with only `vars` in its environment: no `CLOUDFLARE_*` variable (nor
/// proxy setting) leaks in from the one the tests run in.
async fn run_example(vars: &[(&str, &str)]) -> Output {
    let binary = tokio::task::spawn_blocking(|| example::binary("quickstart"))
        .await
        .unwrap();
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

/// The number in the example's `Read: … expires at N` line.
fn printed_expiration(stdout: &str) -> i64 {
    let line = stdout
        .lines()
        .find(|line| line.starts_with("Read:     My-Key = "))
        .unwrap_or_else(|| panic!("no read line in:\n{stdout}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// The lines every run of the tour prints, whatever the server.
const TOUR: &[&str] = &[
    r#"Write:    My-Key = "Some Value", metadata and a 300 s lifetime: HTTP 200 OK"#,
    r#"          1 key(s) starting with "My-""#,
    r#"Metadata: Metadata { some_metadata_key: "someMetadataValue" }"#,
    "Delete:   My-Key: HTTP 200 OK",
    "Read:     My-Key is gone (HTTP 404, code 10009)",
];

#[tokio::test]
async fn without_credentials_it_tours_the_embedded_mock() {
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
    assert_eq!(
        lines.first(),
        Some(&"CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set: using the local mock server.")
    );
    for expected in TOUR.iter().chain(&[r#"Deleted:  namespace "quickstart""#]) {
        assert!(
            lines.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(r#"Created:  namespace "quickstart" ("#)),
        "{stdout}"
    );
    let expiration = printed_expiration(&stdout);
    assert!(
        (before + 300..=after + 300).contains(&expiration),
        "{expiration}"
    );
    let listed = format!("List:     My-Key (expires at {expiration})");
    assert!(lines.contains(&listed.as_str()), "{stdout}");
    assert_eq!(lines.last(), Some(&"Mock:     stopped."));
}

#[tokio::test]
async fn with_credentials_it_tours_the_namespace_the_environment_names() {
    // The "real API" path, aimed at a mock through CLOUDFLARE_BASE_URL: no network.
    let server = MockServer::start().await;
    let base_url = server.base_url();
    let namespace = "7e4b5ac9a3ab4bb9a03ba2f6f7b4d0e1";
    let output = run_example(&[
        ("CLOUDFLARE_API_TOKEN", cloudflare_kv_mock::DEFAULT_TOKEN),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
        ("CLOUDFLARE_KV_NAMESPACE_ID", namespace),
        ("CLOUDFLARE_BASE_URL", &base_url),
    ])
    .await;
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&output.stderr)
    );
    assert!(
        stdout.starts_with(&format!("Using {base_url}\n")),
        "{stdout}"
    );
    for expected in TOUR {
        assert!(
            stdout.lines().any(|l| l == *expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert_eq!(
        server.get(ACCOUNT, namespace, "My-Key"),
        None,
        "nothing left behind"
    );
    let prefix = format!("/client/v4/accounts/{ACCOUNT}/storage/kv/namespaces/{namespace}");
    let requests: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                r.raw_path_and_query.replace(&prefix, "…")
            )
        })
        .collect();
    assert_eq!(
        requests,
        [
            "PUT …/values/My-Key?expiration_ttl=300",
            "GET …/values/My-Key",
            "GET …/keys?prefix=My-",
            "GET …/metadata/My-Key",
            "DELETE …/values/My-Key",
            "GET …/values/My-Key",
        ]
    );
    let write = &server.requests()[0];
    assert!(write
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
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
