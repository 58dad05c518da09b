//! Every fixture golden compiles, warning-free, against the real runtime, and the fixture
//! clients behave on the wire as the generator promises (parameters, forms, bodies, security).
//!
//! Generated code reaches the runtime through the `kv_runtime` crate, so each golden is
//! checked exactly as written.
#![deny(warnings)]
// The goldens are libraries whose items this test does not call.
#![allow(dead_code)]

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", stringify!($name), ".rs"));
            }
        )*
        /// The fixtures listed here are all the fixtures there are.
        #[test]
        fn every_fixture_is_compiled() {
            let listed: Vec<&str> = vec![$(stringify!($name)),*];
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
            let mut found: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            found.sort();
            assert_eq!(found, listed);
        }
    };
}

fixtures!(
    all_of,
    all_of_mixed,
    big_bounds,
    client_defaults,
    collisions,
    constraints,
    docs,
    ecma_patterns,
    empty_schemas,
    enums,
    media_types,
    multipart_union,
    nullable,
    nullable_required,
    objects,
    param_object,
    param_unions,
    param_untyped,
    params,
    path_level_params,
    primitives,
    refs,
    responses,
    security,
    unions,
    warnings,
);

#[test]
fn constrained_newtypes_validate_on_every_constructor() {
    use constraints::ShortText;
    use std::str::FromStr;
    assert_eq!(ShortText::try_from("ok").unwrap().as_str(), "ok");
    let err = ShortText::try_from("x").unwrap_err();
    assert_eq!(
        err.to_string(),
        "short_text: must be at least 2 characters, got 1 character"
    );
    assert!(ShortText::from_str("abcdefghijk").is_err());
    let from_json: Result<ShortText, _> = serde_json::from_str("\"y\"");
    assert_eq!(
        from_json.unwrap_err().to_string(),
        "short_text: must be at least 2 characters, got 1 character"
    );
    assert_eq!(ShortText::new_unchecked("y").as_str(), "y");
}

#[test]
fn string_enums_keep_unknown_values() {
    use enums::Direction;
    assert_eq!(
        serde_json::from_str::<Direction>("\"asc\"").unwrap(),
        Direction::Asc
    );
    let other: Direction = serde_json::from_str("\"sideways\"").unwrap();
    assert_eq!(other, Direction::Other("sideways".to_owned()));
    assert_eq!(serde_json::to_string(&other).unwrap(), "\"sideways\"");
}

#[test]
fn structs_read_leniently_and_check_on_demand() {
    let item: constraints::Item =
        serde_json::from_str(r#"{"name":"n","score":7,"extra":true}"#).unwrap();
    assert_eq!(
        item.check().unwrap_err().to_string(),
        "name: must be at least 2 characters, got 1 character"
    );
}

// ---- Fixture clients on the wire: the generator's general rules, beyond the KV endpoint. ----

mod wire_support;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn fixture_client<C: cloudflare_kv::runtime::ApiClient>(
    server: &MockServer,
) -> cloudflare_kv::runtime::ClientBuilder<C> {
    cloudflare_kv::runtime::ClientBuilder::new("http://unused.invalid")
        .base_url(server.uri())
        .api_token("t")
        .retries(0)
}

#[tokio::test]
async fn parameters_go_to_path_query_and_headers_in_declaration_order() {
    use params::{GetItemOrder, GetItemParams};
    let server = answering(serde_json::json!({"id": 7})).await;
    let client: params::Client = fixture_client(&server)
        .path_default("org_id", "o/1")
        .build()
        .unwrap();
    let params = GetItemParams::new(true, "req-1")
        .x_trace("t1")
        .fields(vec!["a".to_owned(), "b c".to_owned()])
        .ids(vec![1, 2])
        .order(GetItemOrder::Asc)
        .limit(5.0)
        .r#type("x");
    let response = client.orgs().items().get(42, params).await.unwrap();
    assert_eq!(response.body().id, Some(7));
    let request = wire_support::only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/orgs/o%2F1/items/42");
    assert_eq!(
        request.url.query(),
        Some("fields=a&fields=b%20c&ids=1%2C2&verbose=true&order=asc&limit=5&type=x")
    );
    assert_eq!(
        wire_support::header(&request, "x-request-id"),
        Some("req-1")
    );
    assert_eq!(wire_support::header(&request, "x-trace"), Some("t1"));
    // The operation declares no security, so no credential is sent.
    assert_eq!(wire_support::header(&request, "authorization"), None);
}

#[tokio::test]
async fn parameter_constraints_are_checked_before_any_request() {
    use params::GetItemParams;
    let server = answering(serde_json::json!({})).await;
    let client: params::Client = fixture_client(&server)
        .path_default("org_id", "o")
        .build()
        .unwrap();
    let items = client.orgs().items();
    let zero = items
        .get(0, GetItemParams::new(true, "r"))
        .await
        .unwrap_err();
    assert_eq!(
        zero.to_string(),
        "invalid argument: item_id: must be at least 1, got 0"
    );
    let limit = items
        .get(1, GetItemParams::new(true, "r").limit(101.0))
        .await
        .unwrap_err();
    assert_eq!(
        limit.to_string(),
        "invalid argument: limit: must be at most 100, got 101"
    );
    let org = items
        .get(1, GetItemParams::new(true, "r").org_id("x".repeat(33)))
        .await
        .unwrap_err();
    assert_eq!(
        org.to_string(),
        "invalid argument: org_id: must be at most 32 characters, got 33 characters"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn form_parts_follow_encoding_and_the_openapi_defaults() {
    use media_types::PostFormParams;
    let server = answering(serde_json::json!({})).await;
    let client: media_types::Client = fixture_client(&server).build().unwrap();
    let meta: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"k":[1,"two"]}"#).unwrap();
    let params = PostFormParams::new(vec![0x89, b'P', b'N', b'G'])
        .caption("hi")
        .count(3)
        .meta(meta);
    client.form().create(params).await.unwrap();
    let request = wire_support::only_request(&server).await;
    let parts = wire_support::parts(&request).await;
    let summary: Vec<(&str, Option<&str>, &[u8])> = parts
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.content_type.as_deref(),
                p.bytes.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("file", Some("image/png"), &[0x89, b'P', b'N', b'G'][..]),
            ("caption", Some("text/plain"), &b"hi"[..]),
            ("count", Some("text/plain"), &b"3"[..]),
            ("meta", Some("application/json"), &br#"{"k":[1,"two"]}"#[..]),
        ]
    );
}

#[tokio::test]
async fn raw_or_multipart_is_chosen_by_what_is_set_and_json_bodies_are_json() {
    use media_types::{CreateJsonBody, CreateJsonParams, PutEitherParams};
    let server = answering(serde_json::json!({})).await;
    let client: media_types::Client = fixture_client(&server).build().unwrap();
    client
        .either()
        .update("a b", PutEitherParams::new("plain"))
        .await
        .unwrap();
    client
        .either()
        .update(
            "k",
            PutEitherParams::new("v").metadata(serde_json::json!({"m": 1})),
        )
        .await
        .unwrap();
    client
        .json()
        .create(CreateJsonParams::new(CreateJsonBody {
            title: "t".to_owned(),
        }))
        .await
        .unwrap();
    let too_long = CreateJsonParams::new(CreateJsonBody {
        title: "x".repeat(51),
    });
    let error = client.json().create(too_long).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: title: must be at most 50 characters, got 51 characters"
    );
    let requests = wire_support::received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.path(), "/either/a%20b");
    assert_eq!(
        wire_support::header(&requests[0], "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(requests[0].body, b"plain");
    assert!(wire_support::header(&requests[1], "content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
    let parts = wire_support::parts(&requests[1]).await;
    assert_eq!(
        parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["value", "metadata"]
    );
    assert_eq!(parts[1].bytes, br#"{"m":1}"#);
    assert_eq!(
        wire_support::header(&requests[2], "content-type"),
        Some("application/json")
    );
    assert_eq!(requests[2].body, br#"{"title":"t"}"#);
}

#[tokio::test]
async fn each_operation_sends_the_alternative_its_credentials_satisfy() {
    let server = answering(serde_json::json!({})).await;
    let token: security::Client = fixture_client(&server).build().unwrap();
    token
        .global()
        .list(security::UsesGlobalParams::new())
        .await
        .unwrap();
    token
        .public()
        .list(security::IsPublicParams::new())
        .await
        .unwrap();
    let keyed: security::Client =
        cloudflare_kv::runtime::ClientBuilder::new("http://unused.invalid")
            .base_url(server.uri())
            .email_key("e@example.com", "k")
            .build()
            .unwrap();
    keyed
        .alternatives()
        .list(security::UsesAlternativesParams::new())
        .await
        .unwrap();
    let refused = keyed
        .global()
        .list(security::UsesGlobalParams::new())
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), cloudflare_kv::ErrorKind::Config);
    let requests = wire_support::received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(
        wire_support::header(&requests[0], "authorization"),
        Some("Bearer t")
    );
    assert_eq!(wire_support::header(&requests[1], "authorization"), None);
    assert_eq!(wire_support::header(&requests[2], "authorization"), None);
    assert_eq!(
        wire_support::header(&requests[2], "x-auth-email"),
        Some("e@example.com")
    );
    assert_eq!(wire_support::header(&requests[2], "x-auth-key"), Some("k"));
}

#[tokio::test]
async fn url_encoded_forms_are_encoded_like_queries_and_checked() {
    use media_types::PostLoginParams;
    let server = answering(serde_json::json!({})).await;
    let client: media_types::Client = fixture_client(&server).build().unwrap();
    let params = PostLoginParams::new("a b&c")
        .remember(true)
        .scopes(vec!["read".to_owned(), "wr=ite".to_owned()]);
    client.login().create(params).await.unwrap();
    let too_long = client
        .login()
        .create(PostLoginParams::new("123456789"))
        .await
        .unwrap_err();
    assert_eq!(
        too_long.to_string(),
        "invalid argument: user: must be at most 8 characters, got 9 characters"
    );
    let request = wire_support::only_request(&server).await;
    assert_eq!(
        wire_support::header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        request.body,
        b"user=a%20b%26c&remember=true&scopes=read&scopes=wr%3Dite"
    );
}

#[tokio::test]
async fn client_defaults_have_setters_variables_and_names_of_their_own() {
    use client_defaults::{ClientBuilderExt, GetSiteParams, GetTimeoutParams};
    use cloudflare_kv::runtime::ApiClient;
    let env = client_defaults::Client::ENV;
    assert_eq!(
        (env.api_token, env.email, env.api_key, env.base_url),
        (
            "ACME_API_TOKEN",
            "ACME_EMAIL",
            "ACME_API_KEY",
            "ACME_BASE_URL"
        )
    );
    assert_eq!(
        env.path_defaults,
        [
            ("site-id", "ACME_SITE_ID"),
            ("site_id", "ACME_SITE_ID"),
            ("timeout", "ACME_TIMEOUT"),
            ("zone_id", "ACME_ZONE_ID"),
        ]
    );
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    // One setter for the two wire names spelt `site_id` in Rust; `timeout` is a builder
    // method already, so that default is set by wire name.
    let client: client_defaults::Client = fixture_client(&server)
        .zone_id("z")
        .site_id("s")
        .path_default("timeout", "t")
        .build()
        .unwrap();
    let sites = client.zones().sites();
    assert_eq!(sites.get(GetSiteParams::new()).await.unwrap().status(), 204);
    let timeouts = client.sites().timeouts();
    assert_eq!(
        timeouts
            .get(GetTimeoutParams::new())
            .await
            .unwrap()
            .status(),
        204
    );
    let paths: Vec<String> = wire_support::received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/zones/z/sites/s", "/sites/s/timeouts/t"]);
}
