//! `GET .../keys`: order, prefix, limit, cursor, and what each key shows.

use std::time::Duration;

use crate::support::*;
use cloudflare_kv_mock::{MockServer, StoredEntry};
use serde_json::{json, Value};

const T0: i64 = 1_700_000_000;

fn entry(metadata: Option<Value>, expiration: Option<i64>) -> StoredEntry {
    StoredEntry {
        value: "v".into(),
        metadata,
        expiration,
    }
}

async fn server_with(keys: &[&str]) -> MockServer {
    let server = MockServer::builder().start_time(T0).start().await.unwrap();
    for key in keys {
        server.insert(ACCOUNT, NAMESPACE, key, entry(None, None));
    }
    server
}

/// The names of one page and its cursor.
async fn page(server: &MockServer, query: &str) -> (Vec<String>, String) {
    let response = call(
        server.addr(),
        "GET",
        &ns_path(&format!("/keys{query}")),
        b"",
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let json = json_of(&response);
    let names: Vec<String> = json["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(json["result_info"]["count"], names.len());
    (
        names,
        json["result_info"]["cursor"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn keys_are_sorted_by_their_utf8_bytes() {
    let keys = ["b", "a", "B", "é", "a/b", "€", "a b", "~", "Z", "aa"];
    let server = server_with(&keys).await;
    let mut expected: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    expected.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(page(&server, "").await, (expected, String::new()));
}

#[tokio::test]
async fn each_key_shows_name_expiration_and_metadata() {
    let server = server_with(&["plain"]).await;
    server.insert(
        ACCOUNT,
        NAMESPACE,
        "meta",
        entry(Some(json!({"a": [1, null]})), None),
    );
    server.insert(
        ACCOUNT,
        NAMESPACE,
        "both",
        entry(Some(json!("s")), Some(T0 + 100)),
    );
    let response = call(server.addr(), "GET", &ns_path("/keys"), b"").await;
    let result = r#"[{"name":"both","expiration":1700000100,"metadata":"s"},{"name":"meta","metadata":{"a":[1,null]}},{"name":"plain"}]"#;
    assert_body(
        &response,
        &success_paged(result, r#"{"count":3,"cursor":""}"#),
    );
}

#[tokio::test]
async fn prefix_filters_exact_and_longer_names() {
    let server = server_with(&["a", "ab", "abc", "b", "a b", "ü1", "ü2", "+x"]).await;
    assert_eq!(page(&server, "?prefix=ab").await.0, ["ab", "abc"]);
    assert_eq!(page(&server, "?prefix=%C3%BC").await.0, ["ü1", "ü2"]);
    // `+` in a query is a space; a literal plus is `%2B`.
    assert_eq!(page(&server, "?prefix=a+").await.0, ["a b"]);
    assert_eq!(page(&server, "?prefix=%2B").await.0, ["+x"]);
    assert_eq!(page(&server, "?prefix=zzz").await.0, Vec::<String>::new());
    assert_eq!(page(&server, "?prefix=").await.0.len(), 8);
}

#[tokio::test]
async fn limit_and_cursor_walk_every_key_once() {
    let names: Vec<String> = (0..35).map(|i| format!("k{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let server = server_with(&refs).await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (page_names, next) = page(&server, &format!("?limit=10&cursor={cursor}")).await;
        seen.extend(page_names);
        pages += 1;
        if next.is_empty() {
            break;
        }
        cursor = next;
    }
    assert_eq!((seen, pages), (names, 4));
}

#[tokio::test]
async fn the_last_full_page_has_an_empty_cursor() {
    let names: Vec<String> = (0..20).map(|i| format!("k{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let server = server_with(&refs).await;
    let (first, cursor) = page(&server, "?limit=10").await;
    assert_eq!(first.len(), 10);
    let (second, end) = page(&server, &format!("?limit=10&cursor={cursor}")).await;
    assert_eq!((second, end), (names[10..].to_vec(), String::new()));
}

#[tokio::test]
async fn a_cursor_stays_valid_while_keys_change() {
    let names: Vec<String> = (0..30).map(|i| format!("k{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let server = server_with(&refs).await;
    let (first, cursor) = page(&server, "?limit=10").await;
    assert_eq!(first.last().map(String::as_str), Some("k09"));
    // The cursor's own key goes away, one before it and one after it appear,
    // and a key further on is deleted.
    let addr = server.addr();
    assert_success(&call(addr, "DELETE", &ns_path("/values/k09"), b"").await);
    assert_success(&call(addr, "PUT", &ns_path("/values/k00a"), b"v").await);
    assert_success(&call(addr, "PUT", &ns_path("/values/k09a"), b"v").await);
    assert_success(&call(addr, "DELETE", &ns_path("/values/k12"), b"").await);
    let (second, _) = page(&server, &format!("?limit=10&cursor={cursor}")).await;
    assert_eq!(
        second,
        ["k09a", "k10", "k11", "k13", "k14", "k15", "k16", "k17", "k18", "k19"]
    );
}

#[tokio::test]
async fn the_cursor_keeps_the_prefix_asked_with() {
    let names: Vec<String> = (0..15)
        .flat_map(|i| [format!("a{i:02}"), format!("b{i:02}")])
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let server = server_with(&refs).await;
    let (first, cursor) = page(&server, "?prefix=b&limit=10").await;
    assert_eq!(first[0], "b00");
    let (rest, end) = page(&server, &format!("?prefix=b&limit=10&cursor={cursor}")).await;
    assert_eq!((rest.len(), rest[0].as_str(), end.as_str()), (5, "b10", ""));
}

#[tokio::test]
async fn default_limit_is_1000() {
    let server = MockServer::start().await;
    let pairs: Vec<Value> = (0..1001)
        .map(|i| json!({"key": format!("k{i:04}"), "value": "v"}))
        .collect();
    let body = serde_json::to_vec(&pairs).unwrap();
    assert_eq!(
        call(server.addr(), "PUT", &ns_path("/bulk"), &body)
            .await
            .status,
        200
    );
    let (names, cursor) = page(&server, "").await;
    assert_eq!(
        (names.len(), names.last().map(String::as_str)),
        (1000, Some("k0999"))
    );
    assert_eq!(
        page(&server, &format!("?cursor={cursor}")).await,
        (vec!["k1000".to_owned()], String::new())
    );
}

#[tokio::test]
async fn expired_keys_are_not_listed() {
    let server = server_with(&["forever"]).await;
    let addr = server.addr();
    assert_success(
        &call(
            addr,
            "PUT",
            &ns_path("/values/brief?expiration_ttl=60"),
            b"v",
        )
        .await,
    );
    assert_eq!(page(&server, "").await.0, ["brief", "forever"]);
    server.advance(Duration::from_secs(59));
    assert_eq!(page(&server, "").await.0, ["brief", "forever"]);
    server.advance(Duration::from_secs(1));
    assert_eq!(page(&server, "").await.0, ["forever"]);
    // Gone for the API, still visible to the library.
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["brief", "forever"]);
}

#[tokio::test]
async fn limit_and_cursor_refusals() {
    let server = server_with(&["k"]).await;
    let limit =
        |n: &str| format!("Invalid limit of {n}. Please specify an integer between 10 and 1000.");
    let cases = [
        ("limit=9".to_owned(), limit("9")),
        ("limit=1001".to_owned(), limit("1001")),
        ("limit=0".to_owned(), limit("0")),
        ("limit=10.0".to_owned(), limit("10.0")),
        ("limit=".to_owned(), limit("")),
        ("cursor=!!".to_owned(), "Invalid cursor: !!".to_owned()),
        (
            "prefix=q%G1".to_owned(),
            "Invalid prefix: q%G1 is not percent-encoded UTF-8".to_owned(),
        ),
        (
            "prefix=%".to_owned(),
            "Invalid prefix: % is not percent-encoded UTF-8".to_owned(),
        ),
    ];
    for (query, message) in cases {
        let response = call(
            server.addr(),
            "GET",
            &ns_path(&format!("/keys?{query}")),
            b"",
        )
        .await;
        assert_error(&response, 400, 10002, &message);
    }
    assert_eq!(page(&server, "?limit=10&cursor=").await.0, ["k"]);
}
