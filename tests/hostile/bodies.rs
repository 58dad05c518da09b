//! A server whose answers are endless, huge, slow, cut short, or not UTF-8: every read is
//! bounded (the server's byte counter shows where the client stopped), every call ends
//! by its deadline, and every outcome is a typed error with a bounded text.
//!
//! "Slack" below is what the kernel's socket buffers on both ends take in after the client
//! stopped reading (a few MiB on Linux loopback); the bounds allow 32 MiB for it.

use std::time::Duration;

use crate::support::*;
use kv_runtime::{Core, ErrorKind};

const MIB: u64 = 1 << 20;
const SLACK: u64 = 32 * MIB;
/// 100 MB, the size of the largest answers the suite plays.
const HUNDRED_MB: u64 = 100_000_000;

fn no_retries(server: &Server) -> Core {
    builder(&server.url())
        .api_token(TOKEN)
        .retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_endless_json_body_is_cut_at_the_default_16_mib() {
    let body = Generated::new(b"[", b"0,", u64::MAX, b"");
    let server = huge("200 OK", JSON, body).await;
    let error = send_json(&no_retries(&server), put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 200 OK: the answer is larger than the 16777216-byte limit for answers read into memory (ClientBuilder::max_response_bytes); the read stopped after 16777217 bytes"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(server.written() < 16 * MIB + SLACK, "{}", server.written());
}

#[tokio::test]
async fn the_limit_is_configurable_and_applies_to_every_attempt() {
    let server = huge("200 OK", JSON, Generated::endless(b" ")).await;
    let core = builder(&server.url())
        .api_token(TOKEN)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let error = send_json(&core, put()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 200 OK: the answer is larger than the 65536-byte limit for answers read into memory (ClientBuilder::max_response_bytes); the read stopped after 65537 bytes"
    );
    // Too large is not a reason to try again: the next answer would be as large.
    assert_eq!((error.attempts(), server.requests()), (1, 1));
    assert!(server.written() < SLACK, "{}", server.written());
}

#[tokio::test]
async fn an_announced_length_past_the_limit_is_refused_before_reading() {
    let headers = &[
        "Content-Type: application/json",
        "Content-Length: 100000000",
    ];
    let body = Generated::new(b"", b"0", HUNDRED_MB, b"");
    let server = huge("200 OK", headers, body).await;
    let error = send_json(&no_retries(&server), put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 200 OK: the answer is larger than the 16777216-byte limit for answers read into memory (ClientBuilder::max_response_bytes); it announced 100000000 bytes, so none were read"
    );
    assert!(server.written() < SLACK, "{}", server.written());
}

#[tokio::test]
async fn a_value_read_whole_is_cut_at_the_value_limit() {
    let server = huge("200 OK", OCTETS, Generated::endless(b"v")).await;
    let core = no_retries(&server);
    let error = send(&core, put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 200 OK: the answer is larger than the 27262976-byte limit for answers read into memory (ClientBuilder::max_value_bytes); the read stopped after 27262977 bytes"
    );
    assert!(server.written() < 26 * MIB + SLACK, "{}", server.written());
}

#[tokio::test]
async fn a_value_at_the_api_limit_is_read_whole() {
    let headers = &[
        "Content-Type: application/octet-stream",
        "Content-Length: 26214400",
    ];
    let server = huge(
        "200 OK",
        headers,
        Generated::new(b"", &[7], 26_214_400, b""),
    )
    .await;
    let raw = send(&no_retries(&server), put()).await.unwrap();
    assert_eq!(raw.body.len(), 26_214_400);
    assert!(raw.body.iter().all(|b| *b == 7));
}

#[tokio::test]
async fn hundred_megabyte_envelopes_stop_at_the_limit() {
    let prefix: &[u8] = br#"{"success":true,"errors":[],"messages":[],"result":"#;
    let cases: [(&[u8], &[u8], &[u8]); 2] = [(b"\"", b"a", b"\"}"), (b"[", b"0,", b"0]}")];
    for (open, unit, close) in cases {
        let start: &'static [u8] = [prefix, open].concat().leak();
        let body = Generated::new(start, unit, HUNDRED_MB, close);
        let server = huge("200 OK", JSON, body).await;
        let error = send_json(&no_retries(&server), put()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
        assert!(
            error
                .to_string()
                .ends_with("the read stopped after 16777217 bytes"),
            "{error}"
        );
        assert!(server.written() < 16 * MIB + SLACK, "{}", server.written());
    }
}

#[tokio::test]
async fn a_hundred_megabyte_error_message_is_cut_at_1_mib() {
    let start = br#"{"success":false,"errors":[{"code":10001,"message":""#;
    let body = Generated::new(start, b"a", HUNDRED_MB, b"\"}]}");
    let server = huge("400 Bad Request", JSON, body).await;
    let error = send(&no_retries(&server), put())
        .await
        .map(kv_runtime::decode_bytes);
    let error = error.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 400 Bad Request: no error details (the body was cut after 1048576 bytes)"
    );
    let excerpt = error.body_excerpt().unwrap();
    assert!(excerpt.starts_with(r#"{"success":false,"errors":[{"code":10001,"message":"aaa"#));
    assert_eq!(excerpt.len(), 1024);
    assert!(server.written() < MIB + SLACK, "{}", server.written());
}

/// One error item of the hundred thousand: a 300-byte message, longer than what an
/// error's text shows of it.
fn item(i: usize) -> String {
    format!(
        r#"{{"code":{},"message":"error {i:06} {}"}}"#,
        10_000 + i,
        "x".repeat(287)
    )
}

/// `{"success":false,"errors":[item(0),…,item(99_999)]}`.
fn hundred_thousand_errors() -> Vec<u8> {
    let items: Vec<String> = (0..100_000).map(item).collect();
    format!(
        r#"{{"success":false,"errors":[{}],"messages":[]}}"#,
        items.join(",")
    )
    .into_bytes()
}

/// The text an error shows of item `i`: its message cut to 200 bytes, ending with `…`.
fn shown(i: usize) -> String {
    let full = item(i);
    let message = full
        .split(r#""message":""#)
        .nth(1)
        .unwrap()
        .trim_end_matches("\"}");
    format!("{} {}…", 10_000 + i, &message[..197])
}

#[tokio::test]
async fn a_hundred_thousand_errors_in_a_2xx_show_three_and_keep_a_thousand() {
    let body = hundred_thousand_errors();
    assert_eq!(body.len(), 32_810_042);
    let server = answer_always(response(
        "200 OK",
        &["Content-Type: application/json"],
        &body,
    ))
    .await;
    let core = builder(&server.url())
        .api_token(TOKEN)
        .max_response_bytes(body.len())
        .build()
        .unwrap();
    let error = send_json(&core, put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(
        error.to_string(),
        format!(
            "hostile-put: HTTP 200 OK: {}; {}; {}; and 99997 more",
            shown(0),
            shown(1),
            shown(2)
        )
    );
    assert_eq!(error.errors().len(), kv_runtime::Error::MAX_ERRORS);
    assert_eq!(error.omitted_errors(), 99_000);
    assert_eq!(error.errors()[999].code, 10_999);
    assert_eq!(error.errors()[999].message.len(), 300);
}

#[tokio::test]
async fn a_hundred_thousand_errors_in_a_4xx_are_read_up_to_the_cut() {
    let body = hundred_thousand_errors();
    let server = answer_always(response(
        "400 Bad Request",
        &["Content-Type: application/json"],
        &body,
    ))
    .await;
    let error = send(&no_retries(&server), put())
        .await
        .map(kv_runtime::decode_bytes);
    let error = error.unwrap().unwrap_err();
    // The items whose closing brace lies within the first MiB were read whole.
    let opening = r#"{"success":false,"errors":["#.len();
    let complete = (0..100_000)
        .scan(opening, |end, i| {
            *end += item(i).len() + usize::from(i > 0);
            Some(*end)
        })
        .take_while(|end| *end <= Core::MAX_ERROR_BODY_BYTES)
        .count();
    assert_eq!(
        error.to_string(),
        format!(
            "hostile-put: HTTP 400 Bad Request: {}; {}; {}; and {} more (the body was cut after 1048576 bytes)",
            shown(0),
            shown(1),
            shown(2),
            complete - 3
        )
    );
    assert_eq!(error.errors().len(), 1000);
    assert_eq!(error.omitted_errors(), complete - 1000);
    assert!(server.written() < 4 * MIB + SLACK, "{}", server.written());
}

#[tokio::test]
async fn an_error_body_with_invalid_utf8_still_yields_its_codes_and_messages() {
    let body = b"{\"success\":false,\"errors\":[{\"code\":10009,\"message\":\"key \xff\xfe not found\"},{\"code\":\"10010\",\"message\":\"\xc3\"}]}";
    let server = answer_always(response(
        "404 Not Found",
        &["Content-Type: application/json"],
        body,
    ))
    .await;
    let error = send(&no_retries(&server), put())
        .await
        .map(kv_runtime::decode_bytes);
    let error = error.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 404 Not Found: 10009 key \u{FFFD}\u{FFFD} not found; 10010 \u{FFFD}"
    );
    let codes: Vec<i64> = error.errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, [10009, 10010]);
}

/// A head announcing 1000 bytes, then one byte every 50 ms.
async fn dripping() -> Server {
    serve(|mut conn| async move {
        let head = head(
            "200 OK",
            &["Content-Type: application/json", "Content-Length: 1000"],
        );
        conn.send(head.as_bytes()).await?;
        loop {
            conn.send(b" ").await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_dripping_body_is_cut_by_the_deadline_across_attempts() {
    let server = dripping().await;
    let core = builder(&server.url())
        .api_token(TOKEN)
        .timeout(Duration::from_millis(200))
        .retries(100)
        .deadline(Duration::from_millis(700))
        .build()
        .unwrap();
    let error = send_json(&core, put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    let attempts = error.attempts();
    // Usually the fourth attempt is the one the deadline cuts; on a loaded machine the
    // third timeout may leave less than a backoff, and then that timeout is the answer.
    let text = error.to_string();
    let cut = format!(
        "hostile-put: timed out: the call's deadline of 700ms passed (after {attempts} attempts)"
    );
    let last = format!("hostile-put: timed out after 200ms (after {attempts} attempts)");
    assert!(text == cut || text == last, "{text}");
    assert!(
        attempts >= 3,
        "each attempt has 200 ms of a 700 ms deadline"
    );
    assert_eq!(server.requests(), attempts as usize);
    // A byte every 50 ms for 700 ms, besides each attempt's head.
    assert!(server.written() < 4 * 1024, "{}", server.written());
}

#[tokio::test]
async fn a_request_deadline_overrides_the_clients() {
    let server = dripping().await;
    let core = builder(&server.url())
        .api_token(TOKEN)
        .deadline(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut request = put();
    request.options = request.options.deadline(Duration::from_millis(300));
    let error = send_json(&core, request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(
        error.to_string(),
        "hostile-put: timed out: the call's deadline of 300ms passed"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_reset_mid_body_is_a_network_error_and_is_retried() {
    let server = serve(|mut conn| async move {
        let head = head(
            "200 OK",
            &["Content-Type: application/json", "Content-Length: 1000"],
        );
        conn.send(head.as_bytes()).await?;
        conn.send(&[b' '; 100]).await?;
        conn.reset();
        Ok(())
    })
    .await;
    let core = builder(&server.url())
        .api_token(TOKEN)
        .retries(2)
        .build()
        .unwrap();
    let error = send_json(&core, put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    let text = error.to_string();
    assert!(
        text.starts_with("hostile-put: the connection failed: "),
        "{text}"
    );
    assert!(text.ends_with(" (after 3 attempts)"), "{text}");
    assert_eq!(server.requests(), 3);
    assert!(server.written() < 3 * 1024, "{}", server.written());
}

#[tokio::test]
async fn truncated_json_is_a_network_error_or_an_unexpected_body() {
    let short = serve(|mut conn| async move {
        let head = head(
            "200 OK",
            &["Content-Type: application/json", "Content-Length: 100"],
        );
        conn.send(head.as_bytes()).await?;
        conn.send(br#"{"success":true,"result":"#).await
    })
    .await;
    let error = send_json(&no_retries(&short), put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(
        error
            .to_string()
            .starts_with("hostile-put: the connection failed: "),
        "{error}"
    );

    let body = br#"{"success":true,"result":"#;
    let closed = answer_always(
        [
            head("200 OK", &["Content-Type: application/json"]).as_bytes(),
            body,
        ]
        .concat(),
    )
    .await;
    let error = send_json(&no_retries(&closed), put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
    assert_eq!(
        error.to_string(),
        r#"hostile-put: HTTP 200 OK: the body is not JSON (application/json, 25 bytes): {"success":true,"result":"#
    );
}
