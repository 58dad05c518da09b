//! Every answer shape: envelopes that refuse, bodies that are not JSON, lenient reading.

use crate::support::*;
use cloudflare_kv::runtime::ApiMessage;
use cloudflare_kv::{Client, ErrorKind, RequestOptions, UpdateValueParams};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client whose calls get `answer` and are not retried.
async fn answered(answer: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let client = builder(&server)
        .api_token(TOKEN)
        .retries(0)
        .build()
        .unwrap();
    (server, client)
}

fn failure_envelope() -> serde_json::Value {
    json!({
        "success": false,
        "errors": [
            {"code": 10019, "message": "metadata too large", "documentation_url": "https://developers.cloudflare.com/kv",
             "source": {"pointer": "/metadata"}, "unknown": true},
            {"code": 10020, "message": "second problem"}
        ],
        "messages": [{"code": 1000, "message": "note"}],
        "result": null,
        "extra": "ignored"
    })
}

#[tokio::test]
async fn a_4xx_envelope_keeps_every_field() {
    let answer = ResponseTemplate::new(400)
        .set_body_json(failure_envelope())
        .insert_header("cf-ray", "8a1b2c3d");
    let (_server, client) = answered(answer).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.operation(), Some("update-value"));
    assert_eq!(
        error.errors(),
        [
            ApiMessage {
                code: 10019,
                message: "metadata too large".into(),
                documentation_url: Some("https://developers.cloudflare.com/kv".into()),
                pointer: Some("/metadata".into()),
                replaced: false,
            },
            ApiMessage {
                code: 10020,
                message: "second problem".into(),
                documentation_url: None,
                pointer: None,
                replaced: false,
            },
        ]
    );
    assert_eq!(
        error.messages(),
        [ApiMessage {
            code: 1000,
            message: "note".into(),
            ..ApiMessage::default()
        }]
    );
    assert_eq!(
        error
            .headers()
            .and_then(|h| h.get("cf-ray"))
            .map(|v| v.to_str().unwrap()),
        Some("8a1b2c3d")
    );
    assert_eq!(error.body_excerpt(), None);
    assert_eq!(
        error.to_string(),
        "update-value: HTTP 400 Bad Request: 10019 metadata too large (at /metadata) (see https://developers.cloudflare.com/kv); 10020 second problem"
    );
}

/// One message whose JSON string has a lone surrogate escape: that text is replaced and
/// flagged, and every other error keeps its code and message.
#[tokio::test]
async fn a_lone_surrogate_in_one_message_keeps_the_other_errors() {
    let body = r#"{"success":false,"errors":[{"code":10001,"message":"bad \udc80 text","source":{"pointer":"/value"}},{"code":10002,"message":"second \ud83d\ude00","documentation_url":"https://developers.cloudflare.com/kv"}],"messages":[{"code":1,"message":"note \ud800"}],"result":null}"#;
    let (_server, client) =
        answered(ResponseTemplate::new(400).set_body_raw(body, "application/json")).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(
        error.errors(),
        [
            ApiMessage {
                code: 10001,
                message: "bad \u{FFFD} text".into(),
                documentation_url: None,
                pointer: Some("/value".into()),
                replaced: true,
            },
            ApiMessage {
                code: 10002,
                message: "second \u{1F600}".into(),
                documentation_url: Some("https://developers.cloudflare.com/kv".into()),
                pointer: None,
                replaced: false,
            },
        ]
    );
    assert_eq!(
        error.messages(),
        [ApiMessage {
            code: 1,
            message: "note \u{FFFD}".into(),
            replaced: true,
            ..ApiMessage::default()
        }]
    );
    assert_eq!(
        error.to_string(),
        "update-value: HTTP 400 Bad Request: 10001 bad \u{FFFD} text (at /value) (text that was not Unicode replaced with U+FFFD); 10002 second \u{1F600} (see https://developers.cloudflare.com/kv)"
    );
}

#[tokio::test]
async fn success_false_on_a_200_is_an_api_error() {
    let body = json!({"success": false, "errors": [{"code": 10001, "message": "nope"}], "messages": [], "result": null});
    let (_server, client) = answered(ResponseTemplate::new(200).set_body_json(body)).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.to_string(), "update-value: HTTP 200 OK: 10001 nope");
}

#[tokio::test]
async fn statuses_map_to_kinds() {
    let cases = [
        (401, ErrorKind::Auth),
        (403, ErrorKind::Auth),
        (404, ErrorKind::NotFound),
        (413, ErrorKind::Api),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
        (503, ErrorKind::Server),
    ];
    for (status, kind) in cases {
        let (_server, client) =
            answered(ResponseTemplate::new(status).set_body_json(failure_envelope())).await;
        let error = write(&client).await.unwrap_err();
        assert_eq!((status, error.kind()), (status, kind));
        assert_eq!(error.errors().len(), 2);
    }
}

#[tokio::test]
async fn a_rate_limit_says_how_long_to_wait() {
    let answer = ResponseTemplate::new(429)
        .set_body_json(failure_envelope())
        .insert_header("Retry-After", "30");
    let (_server, client) = answered(answer).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(
        error.retry_after(),
        Some(std::time::Duration::from_secs(30))
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_5xx_html_page_is_a_server_error_with_a_bounded_excerpt() {
    let page = format!("<html><body>{}</body></html>", "Bad gateway. ".repeat(200));
    let (_server, client) =
        answered(ResponseTemplate::new(502).set_body_raw(page.clone(), "text/html")).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.content_type(), Some("text/html"));
    let excerpt = error.body_excerpt().unwrap();
    assert_eq!(excerpt, &page[..1024]);
    assert_eq!(
        error.to_string(),
        format!("update-value: HTTP 502 Bad Gateway: the body is not a JSON envelope (text/html, {} bytes): {excerpt}", page.len())
    );
    assert!(error.errors().is_empty());
}

#[tokio::test]
async fn empty_bodies_are_typed_errors() {
    let (_server, client) = answered(ResponseTemplate::new(503)).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(
        error.to_string(),
        "update-value: HTTP 503 Service Unavailable: empty body"
    );

    let (_server, client) = answered(ResponseTemplate::new(200)).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
    assert_eq!(error.to_string(), "update-value: HTTP 200 OK: empty body");
}

#[tokio::test]
async fn a_2xx_that_is_not_the_expected_json_is_an_unexpected_body() {
    let (_server, client) =
        answered(ResponseTemplate::new(200).set_body_raw("<html>ok</html>", "text/html")).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
    assert_eq!(error.body_excerpt(), Some("<html>ok</html>"));
    assert_eq!(
        error.to_string(),
        "update-value: HTTP 200 OK: the body is not an envelope (an object with `success` or `errors`) (text/html, 15 bytes): <html>ok</html>"
    );

    let (_server, client) =
        answered(ResponseTemplate::new(200).set_body_json(json!([{"success": true}]))).await;
    let error = write(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedBody);
    assert_eq!(
        error.to_string(),
        r#"update-value: HTTP 200 OK: the body is not an envelope (an object with `success` or `errors`) (application/json, 18 bytes): [{"success":true}]"#
    );

    // Missing or malformed lists read as empty: answers are read leniently.
    for body in [
        json!({"success": true}),
        json!({"success": true, "errors": "none"}),
    ] {
        let (_server, client) = answered(ResponseTemplate::new(200).set_body_json(body)).await;
        let response = write(&client).await.unwrap();
        assert!(response.messages().is_empty());
    }
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_null_or_missing_results_accepted() {
    let bodies = [
        json!({"success": true, "errors": [], "messages": [{"code": 1000, "message": "hi", "new": 1}], "result": null, "new_top": [1]}),
        json!({"success": true, "errors": [], "messages": [{"code": 1000, "message": "hi"}]}),
        json!({"success": true, "errors": [], "messages": [{"code": 1000, "message": "hi"}], "result": {"anything": [true]}}),
    ];
    for body in bodies {
        let (_server, client) = answered(ResponseTemplate::new(200).set_body_json(body)).await;
        let response = write(&client).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.messages()[0].message, "hi");
        assert_eq!(response.messages()[0].code, 1000);
    }
}

#[tokio::test]
async fn per_request_options_do_not_change_error_shapes() {
    let (_server, client) =
        answered(ResponseTemplate::new(404).set_body_json(failure_envelope())).await;
    let params = UpdateValueParams::new("v").options(RequestOptions::new().retries(3));
    let error = client
        .kv()
        .namespaces()
        .values()
        .update(NAMESPACE, "k", params)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.attempts(), 1, "a 404 is never retried");
}
