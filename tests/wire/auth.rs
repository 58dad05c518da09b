//! Credentials and configuration: one scheme on the wire, clear refusals at construction,
//! environment precedence, plain-http refusal, and secrets that never show.

use crate::support::*;
use cloudflare_kv::{Client, ClientBuilderExt, ErrorKind};

fn build_error(builder: cloudflare_kv::ClientBuilder<Client>) -> (ErrorKind, String) {
    let error = builder.build().unwrap_err();
    (error.kind(), error.to_string())
}

#[tokio::test]
async fn a_token_sends_only_the_bearer_header() {
    let server = ok_server().await;
    write(&client(&server)).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(header(&request, "x-auth-email"), None);
    assert_eq!(header(&request, "x-auth-key"), None);
    assert_eq!(
        header(&request, "user-agent"),
        Some(concat!("cloudflare-kv/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn an_email_and_key_send_only_the_two_key_headers() {
    let server = ok_server().await;
    let client = builder(&server)
        .email_key(EMAIL, API_KEY)
        .user_agent("my-app/1")
        .build()
        .unwrap();
    write(&client).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-auth-email"), Some(EMAIL));
    assert_eq!(header(&request, "x-auth-key"), Some(API_KEY));
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(header(&request, "user-agent"), Some("my-app/1"));
}

#[test]
fn missing_half_and_double_credentials_are_refused_at_construction() {
    let base = || Client::builder().account_id(ACCOUNT);
    let config = ErrorKind::Config;
    assert_eq!(
        build_error(base()),
        (config, "no credentials: set an API token (ClientBuilder::api_token or CLOUDFLARE_API_TOKEN) or an email + API key (ClientBuilder::email_key or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY)".into())
    );
    assert_eq!(
        build_error(base().from_env_with(env(&[("CLOUDFLARE_EMAIL", EMAIL)])).unwrap()),
        (config, "an email is configured (CLOUDFLARE_EMAIL) but no API key: set both (ClientBuilder::email_key, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY)".into())
    );
    assert_eq!(
        build_error(base().from_env_with(env(&[("CLOUDFLARE_API_KEY", API_KEY)])).unwrap()),
        (config, "an API key is configured (CLOUDFLARE_API_KEY) but no email: set both (ClientBuilder::email_key, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY)".into())
    );
    assert_eq!(
        build_error(base().api_token(TOKEN).email_key(EMAIL, API_KEY)),
        (config, "two authentication schemes are configured, an API token (ClientBuilder::api_token) and an email + API key (ClientBuilder::email_key); configure exactly one".into())
    );
    let all = env(&[
        ("CLOUDFLARE_API_TOKEN", TOKEN),
        ("CLOUDFLARE_EMAIL", EMAIL),
        ("CLOUDFLARE_API_KEY", API_KEY),
    ]);
    assert_eq!(
        build_error(base().from_env_with(all).unwrap()),
        (config, "two authentication schemes are configured, an API token (CLOUDFLARE_API_TOKEN) and an email + API key (CLOUDFLARE_EMAIL); configure exactly one".into())
    );
    assert_eq!(
        build_error(base().api_token("")),
        (
            config,
            "the API token from ClientBuilder::api_token is empty".into()
        )
    );
    assert_eq!(
        build_error(base().email_key(EMAIL, "")),
        (
            config,
            "the API key from ClientBuilder::email_key is empty".into()
        )
    );
    assert_eq!(
        build_error(base().api_token("line\nbreak")),
        (
            config,
            "a credential contains characters that are not allowed in an HTTP header".into()
        )
    );
}

#[tokio::test]
async fn explicit_settings_beat_the_environment() {
    let server = ok_server().await;
    let elsewhere = "https://elsewhere.invalid/client/v4";
    let environment = env(&[
        ("CLOUDFLARE_EMAIL", EMAIL),
        ("CLOUDFLARE_API_KEY", API_KEY),
        ("CLOUDFLARE_BASE_URL", elsewhere),
        ("CLOUDFLARE_ACCOUNT_ID", "env-account"),
    ]);
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.uri())
        .account_id(ACCOUNT)
        .from_env_with(environment)
        .unwrap()
        .build()
        .unwrap();
    write(&client).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), value_path("k"));
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        header(&request, "x-auth-key"),
        None,
        "env credentials must not add a second scheme"
    );
}

#[tokio::test]
async fn the_environment_fills_what_is_unset() {
    let server = ok_server().await;
    let environment = env(&[
        ("CLOUDFLARE_EMAIL", EMAIL),
        ("CLOUDFLARE_API_KEY", API_KEY),
        ("CLOUDFLARE_BASE_URL", &server.uri()),
        ("CLOUDFLARE_ACCOUNT_ID", "envaccount"),
        ("CLOUDFLARE_API_TOKEN", ""),
    ]);
    let client = Client::builder()
        .from_env_with(environment)
        .unwrap()
        .build()
        .unwrap();
    write(&client).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/accounts/envaccount/storage/kv/namespaces/{NAMESPACE}/values/k")
    );
    assert_eq!(header(&request, "x-auth-email"), Some(EMAIL));
    assert_eq!(header(&request, "authorization"), None);
}

#[test]
fn plain_http_is_refused_unless_loopback_or_allowed() {
    let with = |url: &str| Client::builder().api_token(TOKEN).base_url(url);
    assert_eq!(
        build_error(with("http://api.example.com/client/v4")),
        (ErrorKind::Config, r#"refusing the plain http:// base URL "http://api.example.com/client/v4" from ClientBuilder::base_url: credentials would travel unencrypted; use https://, a loopback host, or ClientBuilder::allow_insecure_http(true)"#.into())
    );
    assert!(with("http://api.example.com")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    for loopback in [
        "http://127.0.0.1:8787",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        assert!(with(loopback).build().is_ok(), "{loopback}");
    }
    assert!(with("https://api.example.com/client/v4/").build().is_ok());
    assert_eq!(
        build_error(with("ftp://example.com")),
        (ErrorKind::Config, r#"the base URL "ftp://example.com" from ClientBuilder::base_url has scheme "ftp"; use https://"#.into())
    );
    let from_env = Client::builder().from_env_with(env(&[
        ("CLOUDFLARE_API_TOKEN", TOKEN),
        ("CLOUDFLARE_BASE_URL", "http://10.0.0.1"),
    ]));
    let (kind, text) = build_error(from_env.unwrap());
    assert_eq!(kind, ErrorKind::Config);
    assert!(text.contains("from CLOUDFLARE_BASE_URL"), "{text}");
}

#[tokio::test]
async fn a_trailing_slash_on_the_base_url_is_not_doubled() {
    let server = ok_server().await;
    let client = Client::builder()
        .base_url(format!("{}/", server.uri()))
        .api_token(TOKEN)
        .account_id(ACCOUNT)
        .build()
        .unwrap();
    write(&client).await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), value_path("k"));
}

#[test]
fn other_client_defaults_are_set_by_name() {
    let client = cloudflare_kv::Client::builder()
        .api_token("t")
        .path_default("zone_id", "z1")
        .path_default("zone_id", "z2")
        .path_default("account_id", "a")
        .build()
        .unwrap();
    let core = client.core();
    assert_eq!(core.path_default("zone_id", None).unwrap(), "z2");
    assert_eq!(
        core.path_default("zone_id", Some("explicit")).unwrap(),
        "explicit"
    );
    assert_eq!(core.path_default("account_id", None).unwrap(), "a");
    let missing = core.path_default("site_id", None).unwrap_err();
    assert_eq!(missing.kind(), cloudflare_kv::ErrorKind::Config);
    assert_eq!(
        missing.to_string(),
        r#"site_id is required: pass it in the call's parameters, or set a default with ClientBuilder::path_default("site_id", …)"#
    );
}
