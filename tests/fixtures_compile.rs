//! Every fixture golden compiles, warning-free, against the real runtime, and the fixture
//! clients behave on the wire as the generator promises (parameters, forms, bodies, security).
//!
//! Generated code reaches the runtime through the `kv_runtime` crate, so each golden is
//! checked exactly as written.
#![deny(warnings)]
// The goldens are libraries whose items this test does not call.
#![allow(dead_code)]

macro_rules! fixtures {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$attr])*
            pub mod $name {
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
    all_of_beside_type,
    all_of_boolean_enum,
    all_of_mixed,
    all_of_nested_strings,
    big_bounds,
    big_numbers,
    client_defaults,
    collisions,
    constraints,
    default_names,
    deserialize_parity,
    docs,
    ecma_patterns,
    empty_schemas,
    enums,
    envelopes,
    error_details,
    // Its groups' features are not features of this crate: compiled with all of them off.
    #[allow(unexpected_cfgs)]
    group_features,
    idempotent,
    identical_schemas,
    media_types,
    method_names,
    multi_file,
    multipart_union,
    nullable,
    nullable_members,
    nullable_required,
    objects,
    openapi31,
    owner_scopes,
    pagination,
    param_object,
    param_unions,
    param_untyped,
    params,
    path_level_params,
    primitives,
    properties_with_union,
    raw_response,
    refs,
    responses,
    security,
    unions,
    units,
    warnings,
);

#[test]
fn parameters_with_nothing_required_start_from_the_default_whatever_shadows_it() {
    let params = default_names::default::ListDefaultTracksParams::new();
    assert_eq!(params.default, None);
    assert_eq!(params.default(true).default, Some(true));
}

#[test]
fn identical_schemas_are_one_type_under_every_name() {
    use identical_schemas::types::{Cat, CatColor, DogColor, Kitten};
    // `Kitten` and `DogColor` are other names of `Cat` and `CatColor`: values move freely.
    let kitten: Kitten = Cat {
        name: "Tom".to_owned(),
        color: Some(DogColor::Black),
    };
    let cat: Cat = kitten;
    assert_eq!(cat.color, Some(CatColor::Black));
    let json = serde_json::to_string(&cat).unwrap();
    assert_eq!(json, r#"{"name":"Tom","color":"black"}"#);
    assert_eq!(serde_json::from_str::<Kitten>(&json).unwrap(), cat);
    // The union takes a cat once (one `From<Cat>`), as its first variant of that type.
    let response = identical_schemas::types::CreateDogResponse::from(cat);
    assert!(matches!(
        response,
        identical_schemas::types::CreateDogResponse::Cat(_)
    ));
}

#[test]
fn constrained_newtypes_validate_on_every_constructor() {
    use constraints::types::ShortText;
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
    use enums::types::Direction;
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
    let item: constraints::types::Item =
        serde_json::from_str(r#"{"name":"n","score":7,"extra":true}"#).unwrap();
    assert_eq!(
        item.check().unwrap_err().to_string(),
        "name: must be at least 2 characters, got 1 character"
    );
}

// ---- Fixture clients on the wire: the generator's general rules, beyond the KV endpoint. ----

#[path = "shared/mod.rs"]
mod shared;
#[path = "wire/support.rs"]
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
    use params::orgs::GetItemParams;
    use params::types::GetItemOrder;
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
    use params::orgs::GetItemParams;
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
    use media_types::form::CreateFormParams;
    let server = answering(serde_json::json!({})).await;
    let client: media_types::Client = fixture_client(&server).build().unwrap();
    let meta: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"k":[1,"two"]}"#).unwrap();
    let params = CreateFormParams::new(vec![0x89, b'P', b'N', b'G'])
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
    use media_types::either::UpdateEitherParams;
    use media_types::json::CreateJsonParams;
    let server = answering(serde_json::json!({})).await;
    let client: media_types::Client = fixture_client(&server).build().unwrap();
    client
        .either()
        .update("a b", UpdateEitherParams::new("plain"))
        .await
        .unwrap();
    client
        .either()
        .update(
            "k",
            UpdateEitherParams::new("v").metadata(serde_json::json!({"m": 1})),
        )
        .await
        .unwrap();
    client
        .json()
        .create(CreateJsonParams::new("t"))
        .await
        .unwrap();
    let too_long = CreateJsonParams::new("x".repeat(51));
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
        .list(security::global::ListUsesGlobalParams::new())
        .await
        .unwrap();
    token
        .public()
        .list(security::public::ListIsPublicParams::new())
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
        .list(security::alternatives::ListUsesAlternativesParams::new())
        .await
        .unwrap();
    let refused = keyed
        .global()
        .list(security::global::ListUsesGlobalParams::new())
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
    use media_types::login::CreateLoginParams;
    let server = answering(serde_json::json!({})).await;
    let client: media_types::Client = fixture_client(&server).build().unwrap();
    let params = CreateLoginParams::new("a b&c")
        .remember(true)
        .scopes(vec!["read".to_owned(), "wr=ite".to_owned()]);
    client.login().create(params).await.unwrap();
    let too_long = client
        .login()
        .create(CreateLoginParams::new("123456789"))
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

// ---- The constructs of the KV work, on fixture clients: pagers, raw answers, envelopes,
// idempotent marks and units. ----

use futures_util::TryStreamExt;
use wiremock::Request;

/// Serves the strings `s0`, `s1`, … of a listing of `total`, `size` a time, to a pager
/// that moves on with `after` (a cursor) or `page` (a number, with no totals in the answer).
fn listing(total: usize, size: usize) -> impl Fn(&Request) -> ResponseTemplate {
    move |request: &Request| {
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.parse::<usize>().unwrap())
        };
        let start = match (query("after"), query("page")) {
            (Some(after), _) => after,
            (None, Some(page)) => (page - 1) * size,
            (None, None) => 0,
        };
        let end = (start + size).min(total);
        let items: Vec<String> = (start..end).map(|i| format!("s{i}")).collect();
        let cursor = if end == total {
            String::new()
        } else {
            end.to_string()
        };
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "success": true, "result": items, "result_info": {"cursor": cursor, "per_page": size}
        }))
    }
}

async fn serving(responder: impl wiremock::Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

fn queries(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_pager_follows_the_parameter_the_extension_names() {
    let server = serving(listing(5, 2)).await;
    let client: pagination::Client = fixture_client(&server).build().unwrap();
    let items: Vec<String> = client
        .marked()
        .list_all(pagination::marked::ListMarkedParams::new())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, ["s0", "s1", "s2", "s3", "s4"]);
    let requests = wire_support::received(&server).await;
    assert_eq!(queries(&requests), ["", "after=2", "after=4"]);
}

#[tokio::test]
async fn a_numbered_pager_without_totals_ends_at_a_short_page() {
    let server = serving(listing(5, 2)).await;
    let client: pagination::Client = fixture_client(&server).build().unwrap();
    let items: Vec<String> = client
        .numbered()
        .list_all(pagination::numbered::ListNumberedParams::new())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, ["s0", "s1", "s2", "s3", "s4"]);
    let requests = wire_support::received(&server).await;
    assert_eq!(queries(&requests), ["", "page=2", "page=3"]);
}

#[tokio::test]
async fn a_page_number_that_is_a_json_number_is_sent_whole() {
    let body = serde_json::json!({"success": true, "result": [{"id": "a"}],
        "result_info": {"page": 1, "per_page": 1, "total_count": 2}});
    let server = answering(body).await;
    let client: pagination::Client = fixture_client(&server).build().unwrap();
    let pages: Vec<_> = client
        .pages()
        .list_all(pagination::pages::ListByPageParams::new().page(1.0))
        .try_collect()
        .await
        .unwrap();
    // The answer says page 1 of 2 each time; the pager asks for page 2 once, then stops.
    assert_eq!(pages.len(), 2);
    let requests = wire_support::received(&server).await;
    assert_eq!(queries(&requests), ["page=1", "page=2"]);
}

#[tokio::test]
async fn raw_answers_are_bytes_whole_or_streamed_and_errors_are_envelopes() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/blobs/b%201"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![1u8, 0, 255], "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!(
            {"success": false, "errors": [{"code": 7, "message": "no blob"}]}
        )))
        .mount(&server)
        .await;
    let client: raw_response::Client = fixture_client(&server).build().unwrap();
    let blobs = client.blobs();
    let params = || raw_response::blobs::GetBlobParams::new().version(3);
    let whole = blobs.get("b 1", params()).await.unwrap();
    assert_eq!(whole.body().as_ref(), [1, 0, 255]);
    let streamed = blobs.get_stream("b 1", params()).await.unwrap();
    assert_eq!(
        streamed.into_body().to_bytes(3).await.unwrap().as_ref(),
        [1, 0, 255]
    );
    for error in [
        blobs.get("other", params()).await.unwrap_err(),
        blobs.get_stream("other", params()).await.unwrap_err(),
    ] {
        assert_eq!(error.kind(), cloudflare_kv::ErrorKind::NotFound);
        assert_eq!(error.errors()[0].message, "no blob");
    }
    let too_long = blobs.get("x".repeat(17), params()).await.unwrap_err();
    assert_eq!(
        too_long.to_string(),
        "invalid argument: name: must be at most 16 characters, got 17 characters"
    );
    let requests = wire_support::received(&server).await;
    assert_eq!(requests.len(), 4);
    assert!(requests.iter().all(|r| r.url.query() == Some("version=3")));
}

#[tokio::test]
async fn envelopes_give_their_result_and_other_json_is_returned_whole() {
    let server = MockServer::start().await;
    let reply = |route: &'static str, body: serde_json::Value| {
        Mock::given(wiremock::matchers::path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    reply("/thing", serde_json::json!({"success": true, "errors": [], "messages": [{"code": 1, "message": "fyi"}], "result": {"name": "n"}}))
        .mount(&server)
        .await;
    reply("/maybe", serde_json::json!({"success": true}))
        .mount(&server)
        .await;
    reply(
        "/any",
        serde_json::json!({"success": true, "result": {"name": "any"}}),
    )
    .mount(&server)
    .await;
    reply("/plain", serde_json::json!({"name": "plain"}))
        .mount(&server)
        .await;
    reply("/ack", serde_json::json!({"name": "not an envelope"}))
        .mount(&server)
        .await;
    let client: envelopes::Client = fixture_client(&server).build().unwrap();
    let thing = client.thing().list(Default::default()).await.unwrap();
    assert_eq!(thing.body().name, "n");
    assert_eq!(thing.messages()[0].message, "fyi");
    let maybe = client.maybe().list(Default::default()).await.unwrap();
    assert_eq!(maybe.body(), &None);
    let any = client.any().list(Default::default()).await.unwrap();
    let typed: cloudflare_kv::Response<envelopes::types::Thing> = any.deserialize().unwrap();
    assert_eq!(typed.body().name, "any");
    let plain = client.plain().list(Default::default()).await.unwrap();
    assert_eq!(plain.body().name, "plain");
    let ack = client.ack().create(Default::default()).await.unwrap_err();
    assert_eq!(ack.kind(), cloudflare_kv::ErrorKind::UnexpectedBody);
}

#[tokio::test]
async fn posts_are_retried_only_when_the_spec_marks_them_idempotent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client: idempotent::Client =
        cloudflare_kv::runtime::ClientBuilder::new("http://unused.invalid")
            .base_url(server.uri())
            .api_token("t")
            .retries(2)
            .backoff(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(2),
            )
            .build()
            .unwrap();
    client
        .search()
        .create(Default::default())
        .await
        .unwrap_err();
    client
        .orders()
        .create(Default::default())
        .await
        .unwrap_err();
    client.orders().edit(Default::default()).await.unwrap_err();
    client
        .orders()
        .update(Default::default())
        .await
        .unwrap_err();
    let methods: Vec<String> = wire_support::received(&server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        methods,
        [
            "POST /search",
            "POST /search",
            "POST /search",
            "POST /orders",
            "PATCH /orders",
            "PUT /orders",
            "PUT /orders",
            "PUT /orders",
        ]
    );
}

#[tokio::test]
async fn units_convert_into_the_parameters_number_type() {
    use std::time::Duration;
    let server = answering(serde_json::json!({})).await;
    let client: units::Client = fixture_client(&server).build().unwrap();
    let params = units::leases::UpdateLeaseParams::new("me")
        .ttl(Duration::from_secs(61))
        .until(std::time::UNIX_EPOCH + Duration::from_secs(7))
        .grace(Duration::from_secs(2))
        .small(u64::MAX)
        .note(["any", "serialize"]);
    client.leases().update(params).await.unwrap();
    let request = wire_support::only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("ttl=61&until=7&grace=2&small=2147483647")
    );
    assert_eq!(
        request.body,
        br#"{"holder":"me","note":["any","serialize"]}"#
    );
}

#[tokio::test]
async fn client_defaults_have_setters_variables_and_names_of_their_own() {
    use client_defaults::sites::GetTimeoutParams;
    use client_defaults::zones::GetSiteParams;
    use client_defaults::ClientBuilderExt;
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

#[tokio::test]
async fn a_declared_error_body_is_read_as_its_schema() {
    let server = MockServer::start().await;
    let body = r#"{"title":"no such thing","status":404.0}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let client: responses::Client = fixture_client(&server).build().unwrap();
    let error = client.things().list(Default::default()).await.unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::NotFound);
    assert_eq!(error.body(), Some(body.as_bytes()));
    let problem = error
        .api_body::<responses::types::Problem>()
        .unwrap()
        .unwrap();
    assert_eq!(
        problem,
        responses::types::Problem {
            title: Some("no such thing".into())
        }
    );
    // Another shape is an error of its own, not a panic.
    assert!(error.api_body::<Vec<u8>>().unwrap().is_err());
}

/// One naming rule: every params type starts with its method's name, whatever the
/// operation id's verb (PATCH `update-task` is `edit(EditTaskParams)`, PUT `replace-task` is
/// `update(UpdateTaskParams)`), and a method renamed after a collision takes its params along.
#[tokio::test]
async fn method_and_params_names_agree_and_reach_their_routes() {
    use method_names::tasks::{
        CreateTaskParams, EditTaskParams, ListTasksParams, RestoreTaskParams, UpdateTaskParams,
    };
    use method_names::types::EditTaskBody;
    let server = answering(serde_json::json!([])).await;
    let client: method_names::Client = fixture_client(&server).build().unwrap();
    let tasks = client.tasks();
    tasks.list(ListTasksParams::new()).await.unwrap();
    tasks.create(CreateTaskParams::new("a")).await.unwrap();
    tasks
        .update("t1", UpdateTaskParams::new("b"))
        .await
        .unwrap();
    let patch = EditTaskBody {
        title: None,
        done: Some(true),
    };
    tasks
        .edit("t1", EditTaskParams::new().body(patch))
        .await
        .unwrap();
    tasks
        .restore_task("t1", RestoreTaskParams::new())
        .await
        .unwrap();
    let requests = wire_support::received(&server).await;
    let seen: Vec<(String, String, String)> = requests
        .iter()
        .map(|r| {
            let body = String::from_utf8_lossy(&r.body).into_owned();
            (r.method.to_string(), r.url.path().to_owned(), body)
        })
        .collect();
    let expected = [
        ("GET", "/tasks", ""),
        ("POST", "/tasks", r#"{"title":"a"}"#),
        ("PUT", "/tasks/t1", r#"{"title":"b"}"#),
        ("PATCH", "/tasks/t1", r#"{"done":true}"#),
        ("POST", "/tasks/t1/restore", ""),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(m, p, b)| ((*m).to_owned(), (*p).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(seen, expected);
}

/// A client for the error_details fixture whose server answers every request with `status`
/// and `body` (as `content_type`).
async fn error_details_client(
    status: u16,
    body: &'static str,
    content_type: &str,
) -> (MockServer, error_details::Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, content_type))
        .mount(&server)
        .await;
    let client = fixture_client(&server).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn a_declared_error_status_decodes_its_body_into_the_error() {
    use error_details::tasks::GetTaskParams;
    use error_details::types::{GetTaskResponseT4xx, Problem};
    let body = r#"{"title":"No such task","status":404.0,"detail":"t1 was deleted","extra":1}"#;
    let (_server, client) = error_details_client(404, body, "application/problem+json").await;
    let error = client
        .tasks()
        .get("t1", GetTaskParams::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::NotFound);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        error.detail::<Problem>(),
        Some(&Problem {
            title: "No such task".to_owned(),
            status: 404,
            detail: Some("t1 was deleted".to_owned()),
        })
    );
    // The 404's type, not the 4XX range's; and no reason to report.
    assert_eq!(error.detail::<GetTaskResponseT4xx>(), None);
    assert!(error.detail_error().is_none());
    assert_eq!(error.body(), Some(body.as_bytes()));
    assert_eq!(
        error.to_string(),
        format!("get-task: HTTP 404 Not Found: the declared error body (application/problem+json, 75 bytes): {body}")
    );
}

#[tokio::test]
async fn a_status_in_a_declared_range_decodes_as_the_range_type() {
    use error_details::tasks::GetTaskParams;
    use error_details::types::{GetTaskResponseT4xx, Problem};
    let body = r#"{"errors":["id: too long","id: not ASCII"]}"#;
    let (_server, client) = error_details_client(422, body, "application/json").await;
    let error = client
        .tasks()
        .get("t1", GetTaskParams::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(
        error.detail::<GetTaskResponseT4xx>(),
        Some(&GetTaskResponseT4xx {
            errors: vec!["id: too long".to_owned(), "id: not ASCII".to_owned()],
        })
    );
    assert_eq!(error.detail::<Problem>(), None);
}

/// The stated fallback: a body that does not match the declared schema leaves no detail,
/// `detail_error` says why, and the error is otherwise what it is without a schema (kind,
/// status, message with its excerpt, the body).
#[tokio::test]
async fn a_body_that_does_not_match_the_declared_schema_falls_back() {
    use error_details::tasks::GetTaskParams;
    use error_details::types::Problem;
    let body = r#"{"title":404}"#;
    let (_server, client) = error_details_client(404, body, "application/json").await;
    let error = client
        .tasks()
        .get("t1", GetTaskParams::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::NotFound);
    assert_eq!(error.detail::<Problem>(), None);
    assert_eq!(
        error.detail_error().map(ToString::to_string).as_deref(),
        Some("invalid type: integer `404`, expected a string at line 1 column 12")
    );
    assert_eq!(
        error.to_string(),
        r#"get-task: HTTP 404 Not Found: the body is not a JSON envelope (application/json, 13 bytes): {"title":404}"#
    );
    assert_eq!(error.body(), Some(body.as_bytes()));
    // Not JSON at all: the same fallback.
    let (_server, client) = error_details_client(404, "<h1>gone</h1>", "text/html").await;
    let error = client
        .tasks()
        .get("t1", GetTaskParams::new())
        .await
        .unwrap_err();
    assert_eq!(error.detail::<Problem>(), None);
    assert_eq!(
        error.detail_error().map(ToString::to_string).as_deref(),
        Some("expected value at line 1 column 1")
    );
}

/// An envelope-shaped error schema is read into `errors()` as before and gets no decoder;
/// `default` covers every error status of an operation.
#[tokio::test]
async fn envelopes_stay_envelopes_and_default_covers_every_error_status() {
    use error_details::tasks::{DeleteTaskParams, GetTaskParams};
    use error_details::types::{Failure, Problem};
    let envelope = r#"{"success":false,"errors":[{"code":7,"message":"maintenance"}]}"#;
    let (_server, client) = error_details_client(503, envelope, "application/json").await;
    let error = client
        .tasks()
        .get("t1", GetTaskParams::new())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "get-task: HTTP 503 Service Unavailable: 7 maintenance"
    );
    assert_eq!(error.errors().len(), 1);
    assert_eq!(error.detail::<Failure>(), None);
    assert!(error.detail_error().is_none());

    let problem = r#"{"title":"Locked","status":423}"#;
    let (_server, client) = error_details_client(423, problem, "application/json").await;
    let error = client
        .tasks()
        .delete("t1", DeleteTaskParams::new())
        .await
        .unwrap_err();
    assert_eq!(
        error
            .detail::<Problem>()
            .map(|p| (p.title.as_str(), p.status)),
        Some(("Locked", 423))
    );
}

#[tokio::test]
async fn required_nullable_members_are_plain_values_checked_and_sent() {
    use nullable_members::things::CreateThingParams;
    let server = answering(serde_json::json!({"name": null, "document_id": "d"})).await;
    let client: nullable_members::Client = fixture_client(&server).build().unwrap();
    let things = client.things();
    let long = things
        .create(CreateThingParams::new("abcd", "d", ["t"]))
        .await
        .unwrap_err();
    assert_eq!(
        long.to_string(),
        "invalid argument: name: must be at most 3 characters, got 4 characters"
    );
    let empty_tag = things
        .create(CreateThingParams::new("abc", "d", [""]))
        .await
        .unwrap_err();
    assert_eq!(
        empty_tag.to_string(),
        "invalid argument: tags: must be at least 1 character, got 0 characters"
    );
    let answer = things
        .create(CreateThingParams::new("abc", "d", ["t"]))
        .await
        .unwrap();
    // The answer's `null` reads as `None`.
    assert_eq!(answer.body().name, None);
    assert_eq!(answer.body().document_id.as_deref(), Some("d"));
    let request = wire_support::only_request(&server).await;
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"name":"abc","document_id":"d","tags":["t"]}"#
    );
}

#[tokio::test]
async fn type_beside_all_of_reads_the_union_of_merged_structs() {
    use all_of_beside_type::sites::ListAppConfigsParams;
    use all_of_beside_type::types::AppConfig;
    let server = answering(serde_json::json!([
        {"id": "a", "site_id": "s", "account_app_id": "x"},
        {"id": "b", "site_id": "s", "managed_app_id": "y", "priority": 2}
    ]))
    .await;
    let client: all_of_beside_type::Client = fixture_client(&server).build().unwrap();
    let answer = client
        .sites()
        .app_configs()
        .list("s", ListAppConfigsParams::new())
        .await
        .unwrap();
    match answer.body().as_slice() {
        [AppConfig::AccountApp(a), AppConfig::ManagedApp(m)] => {
            assert_eq!((a.id.as_str(), a.account_app_id.as_str()), ("a", "x"));
            assert_eq!((m.managed_app_id.as_str(), m.priority), ("y", Some(2)));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn properties_beside_a_union_read_as_the_api_answers() {
    use properties_with_union::check_runs::CreateCheckRunParams;
    use properties_with_union::lists::ListItemsParams;
    use properties_with_union::pets::ListPetsParams;
    use properties_with_union::types::{CreateCheckRunBodyStatus, Pet};
    // `lists_item`: the declared properties, whichever one is set.
    let server = answering(serde_json::json!([{"id": "i", "ip": "10.0.0.1"}, {"asn": 5567}])).await;
    let client: properties_with_union::Client = fixture_client(&server).build().unwrap();
    let items = client
        .lists()
        .items()
        .list("l", ListItemsParams::new())
        .await
        .unwrap();
    assert_eq!(items.body()[0].ip.as_deref(), Some("10.0.0.1"));
    assert_eq!(items.body()[1].asn, Some(5567));
    // Object branches: a union of merged structs.
    let server = answering(serde_json::json!([{"name": "Rex", "barks": true}])).await;
    let client: properties_with_union::Client = fixture_client(&server).build().unwrap();
    let pets = client.pets().list(ListPetsParams::new()).await.unwrap();
    assert!(matches!(&pets.body()[..], [Pet::Variant1(p)] if p.name == "Rex" && p.barks));
    // Branches that only narrow: the parameters are the declared properties, set flat.
    let server = answering(serde_json::json!({})).await;
    let client: properties_with_union::Client = fixture_client(&server).build().unwrap();
    let params = CreateCheckRunParams::new("cov", "abc").status(CreateCheckRunBodyStatus::Queued);
    client.check_runs().create(params).await.unwrap();
    let request = wire_support::only_request(&server).await;
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"name":"cov","head_sha":"abc","status":"queued"}"#
    );
}

#[tokio::test]
async fn a_nested_all_of_of_strings_checks_every_level() {
    use all_of_nested_strings::operations::DeleteOperationsParams;
    use all_of_nested_strings::types::ObjectWithOperationId;
    let server = answering(serde_json::json!({})).await;
    let client: all_of_nested_strings::Client = fixture_client(&server).build().unwrap();
    let short = ObjectWithOperationId {
        operation_id: "abc".to_owned(),
    };
    let err = client
        .operations()
        .delete(DeleteOperationsParams::new(vec![short]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument: operation_id: must be at least 36 characters, got 3 characters"
    );
}
