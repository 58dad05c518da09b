//! End to end: every rule of the API, reached through the SDK. With client-side validation
//! off the mock judges and the SDK surfaces its status, code and message; with it on, the
//! SDK refuses before any request reaches the mock.

use crate::support::*;
use cloudflare_kv::{Client, Error, ErrorKind, UpdateValueParams};
use cloudflare_kv_mock::{MockServer, DEFAULT_EMAIL, DEFAULT_KEY};
use serde_json::json;

const MAX_VALUE_BYTES: usize = 26_214_400;

/// One write: where to, and what.
#[derive(Clone)]
struct Call {
    account: String,
    namespace: String,
    key: String,
    params: UpdateValueParams,
}

impl Call {
    fn new() -> Self {
        Self {
            account: ACCOUNT.to_owned(),
            namespace: NAMESPACE.to_owned(),
            key: "k".to_owned(),
            params: UpdateValueParams::new("v"),
        }
    }

    async fn send(self, client: &Client) -> Result<(), Error> {
        client
            .kv()
            .namespaces()
            .values()
            .update(
                &self.namespace,
                &self.key,
                self.params.account_id(self.account),
            )
            .await
            .map(|_| ())
    }
}

/// What the mock answers a call that breaks a rule.
struct Refusal {
    status: u16,
    code: i64,
    message: String,
}

/// With validation off the call reaches the mock once, is refused with `refusal` as an
/// [`ErrorKind::Api`] error, and stores nothing.
async fn assert_refused_by_the_server(call: Call, refusal: Refusal) {
    let server = MockServer::start().await;
    let error = call.send(&unvalidated_client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error}");
    assert_api_error(&error, refusal.status, refusal.code, &refusal.message);
    assert_eq!(error.operation(), Some("update-value"));
    assert_eq!(error.attempts(), 1, "a 4xx is not retried");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), Vec::<String>::new());
}

/// With validation on the call is refused as [`ErrorKind::Validation`] naming `field`,
/// and nothing reaches the mock.
async fn assert_refused_before_io(call: Call, field: &str, constraint: &str) {
    let server = MockServer::start().await;
    let error = call.send(&client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.constraint().map(|c| c.field()), Some(field));
    assert_eq!(error.to_string(), format!("invalid argument: {constraint}"));
    assert_eq!(error.attempts(), 0);
    assert_eq!(error.status(), None);
    assert!(server.requests().is_empty(), "a request reached the mock");
}

#[tokio::test]
async fn a_key_over_512_bytes_is_414() {
    // 257 two-byte characters: 514 bytes, though only 257 characters.
    let call = Call {
        key: "ü".repeat(257),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 414,
        code: 10020,
        message: "Key length of 514 bytes exceeds limit of 512".into(),
    };
    assert_refused_by_the_server(call.clone(), refusal).await;
    assert_refused_before_io(
        call,
        "key_name",
        "key_name: must be at most 512 bytes of UTF-8, got 514 bytes",
    )
    .await;
}

#[tokio::test]
async fn a_ttl_under_60_is_400() {
    let call = Call {
        params: UpdateValueParams::new("v").expiration_ttl(59),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 400,
        code: 10033,
        message: "Invalid expiration_ttl of 59. Expiration TTL must be at least 60.".into(),
    };
    assert_refused_by_the_server(call.clone(), refusal).await;
    assert_refused_before_io(
        call,
        "expiration_ttl",
        "expiration_ttl: must be at least 60, got 59",
    )
    .await;
}

#[tokio::test]
async fn an_expiration_in_the_past_is_400_from_the_server_whether_or_not_validation_is_on() {
    let past = now_secs() - 3_600;
    let call = Call {
        params: UpdateValueParams::new("v").expiration(past),
        ..Call::new()
    };
    let refusal = || {
        Refusal {
        status: 400,
        code: 10034,
        message: format!(
            "Invalid expiration of {past}. Expiration times must be at least 60 seconds in the future."
        ),
    }
    };
    assert_refused_by_the_server(call.clone(), refusal()).await;
    // "At least 60 s from now" depends on the clock, which no schema constraint can say:
    // `expiration` is a plain integer in the spec, so the SDK leaves it to the server.
    let server = MockServer::start().await;
    let error = call.send(&client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    let refusal = refusal();
    assert_api_error(&error, refusal.status, refusal.code, &refusal.message);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_value_over_25_mib_is_413() {
    let call = Call {
        params: UpdateValueParams::new(vec![7u8; MAX_VALUE_BYTES + 1]),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 413,
        code: 10011,
        message: "Value length exceeds limit of 26214400".into(),
    };
    assert_refused_by_the_server(call.clone(), refusal).await;
    assert_refused_before_io(
        call,
        "value",
        "value: must be at most 26214400 bytes, got 26214401 bytes",
    )
    .await;
}

#[tokio::test]
async fn metadata_over_1024_bytes_is_413() {
    // `{"pad":"…"}` is 10 bytes around the padding: 1,110 bytes in all.
    let call = Call {
        params: UpdateValueParams::new("v").metadata(json!({"pad": "x".repeat(1_100)})),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 413,
        code: 10012,
        message: "Metadata length of 1110 exceeds limit of 1024".into(),
    };
    assert_refused_by_the_server(call.clone(), refusal).await;
    assert_refused_before_io(
        call,
        "metadata",
        "metadata: must serialize to at most 1024 bytes of JSON, got 1110 bytes",
    )
    .await;
}

#[tokio::test]
async fn an_account_id_over_32_characters_is_400() {
    let long = "a".repeat(33);
    let call = Call {
        account: long.clone(),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 400,
        code: 7003,
        message: format!("Could not route to {long}, perhaps your object identifier is invalid?"),
    };
    assert_refused_by_the_server(call.clone(), refusal).await;
    assert_refused_before_io(
        call,
        "account_id",
        "account_id: must be at most 32 characters, got 33 characters",
    )
    .await;
}

#[tokio::test]
async fn a_namespace_id_over_32_characters_is_400() {
    let long = "0".repeat(33);
    let call = Call {
        namespace: long.clone(),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 400,
        code: 7003,
        message: format!("Could not route to {long}, perhaps your object identifier is invalid?"),
    };
    assert_refused_by_the_server(call.clone(), refusal).await;
    assert_refused_before_io(
        call,
        "namespace_id",
        "namespace_id: must be at most 32 characters, got 33 characters",
    )
    .await;
}

#[tokio::test]
async fn an_empty_namespace_id_is_400_from_the_server() {
    // With validation off the server judges it (with it on, see `empty_ids.rs`).
    let call = Call {
        namespace: String::new(),
        ..Call::new()
    };
    let refusal = Refusal {
        status: 400,
        code: 7003,
        message: "Could not route to , perhaps your object identifier is invalid?".into(),
    };
    assert_refused_by_the_server(call, refusal).await;
}

#[tokio::test]
async fn every_value_at_its_limit_is_accepted_and_stored() {
    let server = MockServer::start().await;
    let key = "ü".repeat(256); // 512 bytes
    let metadata = json!({"pad": "x".repeat(1_014)}); // 1,024 bytes as JSON
    let value: Vec<u8> = (0..MAX_VALUE_BYTES).map(|i| (i % 251) as u8).collect();
    let namespace = "f".repeat(32);
    let before = now_secs();
    client(&server)
        .kv()
        .namespaces()
        .values()
        .update(
            &namespace,
            &key,
            UpdateValueParams::new(value.clone())
                .metadata(metadata.clone())
                .expiration_ttl(60),
        )
        .await
        .unwrap();
    let after = now_secs();
    let entry = server.get(ACCOUNT, &namespace, &key).unwrap();
    assert!(entry.value.as_ref() == value.as_slice(), "value differs");
    assert_eq!(entry.metadata, Some(metadata));
    let expiration = entry.expiration.unwrap();
    assert!(
        (before + 60..=after + 60).contains(&expiration),
        "{expiration}"
    );
}

#[tokio::test]
async fn a_wrong_token_is_403_and_an_auth_error() {
    let server = MockServer::start().await;
    let client = builder(&server).api_token("not-the-token").build().unwrap();
    let error = Call::new().send(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert_api_error(&error, 403, 10000, "Authentication error");
    assert_eq!(error.attempts(), 1);
    assert!(!error.to_string().contains("not-the-token"), "{error}");
    assert!(!format!("{error:?}").contains("not-the-token"));
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer not-the-token")
    );
    assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
}

#[tokio::test]
async fn a_wrong_email_or_key_is_403_and_an_auth_error() {
    for (email, key) in [
        (DEFAULT_EMAIL, "not-the-key"),
        ("other@example.com", DEFAULT_KEY),
    ] {
        let server = MockServer::start().await;
        let client = builder(&server).email_key(email, key).build().unwrap();
        let error = Call::new().send(&client).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth, "{email} / {key}");
        assert_api_error(&error, 403, 10000, "Authentication error");
        assert_eq!(server.requests().len(), 1);
        assert_eq!(server.get(ACCOUNT, NAMESPACE, "k"), None);
    }
}

#[tokio::test]
async fn missing_credentials_cannot_be_sent_the_builder_refuses() {
    let server = MockServer::start().await;
    let error = builder(&server).build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().starts_with("no credentials: "), "{error}");
    let half = builder(&server).email_key(DEFAULT_EMAIL, "").build();
    assert_eq!(half.unwrap_err().kind(), ErrorKind::Config);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn dot_keys_are_refused_even_with_validation_off() {
    let server = MockServer::start().await;
    for key in [".", ".."] {
        let call = Call {
            key: key.to_owned(),
            ..Call::new()
        };
        // URL parsing would drop a `.` or `..` segment and write elsewhere.
        let error = call
            .clone()
            .send(&unvalidated_client(&server))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(
            error.to_string(),
            format!(
                "update-value: the path \"/accounts/{ACCOUNT}/storage/kv/namespaces/{NAMESPACE}/values/{key}\" has a \"{key}\" segment, which URLs cannot carry"
            )
        );
        assert_eq!(error.attempts(), 0);
        let error = call.send(&client(&server)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(
            error.to_string(),
            format!(r#"invalid argument: key_name: must not be "." or "..", got "{key}""#)
        );
    }
    assert!(server.requests().is_empty(), "a request reached the mock");
}
