//! Secrets never show: not in `Debug`, `Display`, error text, nor `tracing` output
//! (which also receives the HTTP stack's `log` records).

// Its own binary, not a module of `tests/wire/`: it installs a process-wide tracing
// subscriber, which would capture (and be raced by) every other test of the process.
#[path = "shared/mod.rs"]
mod shared;
#[path = "wire/support.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_kv::{Client, ClientBuilderExt};
use support::*;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A `Write` into a shared buffer, so the test can read what tracing printed.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn secrets_never_appear_in_debug_display_errors_or_traces() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // Global, and alone in this test binary: a thread-local subscriber can miss events
    // whose callsite interest another test thread cached first.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    // Also route the `log` records of the HTTP stack into the same subscriber.
    let _ = tracing_log::LogTracer::init();

    let server = MockServer::start().await;
    let refusal = serde_json::json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": []});
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_json(refusal))
        .mount(&server)
        .await;
    let token_client = builder(&server).api_token(TOKEN).build().unwrap();
    let key_client = builder(&server).email_key(EMAIL, API_KEY).build().unwrap();
    let unreachable = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_token(TOKEN)
        .account_id(ACCOUNT)
        .retries(0)
        .build()
        .unwrap();
    let slow_server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(5));
    Mock::given(method("PUT"))
        .respond_with(slow)
        .mount(&slow_server)
        .await;
    let slow_client = builder(&slow_server)
        .api_token(TOKEN)
        .timeout(Duration::from_millis(50))
        .retries(0)
        .build()
        .unwrap();

    let mut shown = vec![
        format!("{token_client:?}"),
        format!("{key_client:?}"),
        format!("{:?}", builder(&server).api_token(TOKEN)),
        format!("{:?}", builder(&server).email_key(EMAIL, API_KEY)),
    ];
    for client in [&token_client, &key_client, &unreachable, &slow_client] {
        let error = write(client).await.unwrap_err();
        shown.push(format!("{error}"));
        shown.push(format!("{error:?}"));
    }
    let half = Client::builder()
        .from_env_with(env(&[("CLOUDFLARE_API_KEY", API_KEY)]))
        .unwrap()
        .build()
        .unwrap_err();
    shown.push(format!("{half} {half:?}"));
    let trace = captured.text();
    shown.push(trace.clone());

    assert!(
        trace.contains("update-value"),
        "the subscriber must have captured the calls: {trace}"
    );
    // Each call's span is named for what it is and carries the API's name (the generated
    // crate's package), not one name for every generated client.
    assert!(
        trace.contains("request{api=cloudflare-kv operation=\"update-value\" method=PUT}"),
        "{trace}"
    );
    assert!(shown[0].contains("<redacted>"), "{}", shown[0]);
    for text in &shown {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains(API_KEY), "API key leaked: {text}");
        assert!(!text.contains("SECRET"), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn a_password_in_the_base_url_is_refused_and_never_shown() {
    let raw = "https://user:hunter2-SECRET@api.example/client/v4";
    let explicit = Client::builder().base_url(raw).api_token(TOKEN);
    let debug = format!("{explicit:?}");
    assert!(
        debug.contains(r#"base_url: "https://<redacted>@api.example/client/v4""#),
        "{debug}"
    );
    let error = explicit.build().unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::Config);
    assert_eq!(
        error.to_string(),
        r#"the base URL "https://<redacted>@api.example/client/v4" from ClientBuilder::base_url has a user name or password in it; credentials go in ClientBuilder::api_token or ClientBuilder::email_key"#
    );
    let from_env = Client::builder()
        .api_token(TOKEN)
        .from_env_with(env(&[("CLOUDFLARE_BASE_URL", raw)]))
        .unwrap();
    let error = from_env.build().unwrap_err();
    for text in [format!("{error}"), format!("{error:?}")] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("from CLOUDFLARE_BASE_URL"), "{text}");
    }
}
