//! `examples/update_value.rs` sends exactly the request its documentation promises, and
//! `examples/bulk.rs` runs against the embedded mock.

use crate::support::*;

#[tokio::test]
async fn the_example_writes_some_value_under_my_key() {
    let server = ok_server().await;
    let binary = tokio::task::spawn_blocking(|| example::binary("update_value"))
        .await
        .unwrap();
    let output = tokio::process::Command::new(binary)
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", "t")
        .env("CLOUDFLARE_ACCOUNT_ID", "acct")
        .env("CLOUDFLARE_BASE_URL", server.uri())
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "HTTP 200 OK: written\n"
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(
        request.url.path(),
        "/accounts/acct/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279/values/My-Key"
    );
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "authorization"), Some("Bearer t"));
    assert_eq!(request.body, b"Some Value");
}

#[tokio::test]
async fn the_bulk_example_writes_reads_and_deletes_in_bulk() {
    let binary = tokio::task::spawn_blocking(|| example::binary("bulk"))
        .await
        .unwrap();
    let output = tokio::process::Command::new(binary)
        .env_clear()
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(lines[0], "Bulk write:  3 written, [] not");
    assert_eq!(lines[1], r#"Bulk get:    greeting = "hello""#);
    assert_eq!(lines[2], "Bulk get:    missing is missing");
    assert!(
        lines[3].starts_with(
            r#"With meta:   config = {"retries":3} (metadata {"owner":"ops"}, expires "#
        ),
        "{stdout}"
    );
    assert_eq!(lines[4], "Bulk delete: 3 deleted; 0 key(s) left");
}
