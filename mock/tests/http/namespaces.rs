//! Namespaces: create, get, rename, delete, list, and what an unknown one answers.

use crate::support::*;
use cloudflare_kv_mock::{MockServer, Namespace};

const NOT_FOUND: &str = "namespace not found";
const TAKEN: &str = "a namespace with this account ID and title already exists";

async fn create(server: &MockServer, title: &str) -> String {
    let body = serde_json::json!({ "title": title }).to_string();
    let response = call(server.addr(), "POST", &kv_path(""), body.as_bytes()).await;
    let id = json_of(&response)["result"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let result = format!(
        r#"{{"id":"{id}","title":{},"supports_url_encoding":true}}"#,
        quoted(title)
    );
    assert_body(&response, &success_with(&result));
    id
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn namespace_json(id: &str, title: &str) -> String {
    format!(
        r#"{{"id":"{id}","title":{},"supports_url_encoding":true}}"#,
        quoted(title)
    )
}

#[tokio::test]
async fn create_answers_a_fresh_32_hex_id() {
    let server = MockServer::start().await;
    let first = create(&server, "My Own Namespace").await;
    let second = create(&server, "Another ✓").await;
    for id in [&first, &second] {
        assert_eq!(id.len(), 32, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{id}"
        );
    }
    assert_ne!(first, second);
    let mut expected = vec![
        Namespace {
            id: first.clone(),
            title: "My Own Namespace".to_owned(),
        },
        Namespace {
            id: second.clone(),
            title: "Another ✓".to_owned(),
        },
    ];
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(server.namespaces(ACCOUNT), expected);
    assert_eq!(
        server.namespace(ACCOUNT, &first).unwrap().title,
        "My Own Namespace"
    );
    assert_eq!(server.namespace("other-account", &first), None);
}

#[tokio::test]
async fn a_duplicate_title_is_400_10014_per_account() {
    let server = MockServer::start().await;
    create(&server, "t").await;
    let again = call(server.addr(), "POST", &kv_path(""), br#"{"title":"t"}"#).await;
    assert_error(&again, 400, 10014, TAKEN);
    let other = "/client/v4/accounts/other/storage/kv/namespaces";
    let response = call(server.addr(), "POST", other, br#"{"title":"t"}"#).await;
    assert_eq!(response.status, 200, "{}", response.text());
}

#[tokio::test]
async fn title_and_body_refusals() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let cases: [(&[u8], u32, &str); 7] = [
        (b"{}", 10004, "Invalid namespace title: missing"),
        (br#"{"title":""}"#, 10004, "Invalid namespace title: empty"),
        (
            br#"{"title":5}"#,
            10004,
            "Invalid namespace title: must be a string",
        ),
        (
            br#"{"title":"t","x":1}"#,
            10001,
            "Invalid request body: unknown field `x`, expected `title`",
        ),
        (
            b"",
            10001,
            "Invalid request body: EOF while parsing a value at line 1 column 0",
        ),
        (
            b"[]",
            10001,
            "Invalid request body: invalid type: sequence, expected a map at line 1 column 0",
        ),
        (
            br#"{"title":"t"} x"#,
            10001,
            "Invalid request body: trailing characters at line 1 column 15",
        ),
    ];
    for (body, code, message) in cases {
        assert_error(
            &call(addr, "POST", &kv_path(""), body).await,
            400,
            code,
            message,
        );
    }
    let long = serde_json::json!({ "title": "é".repeat(513) }).to_string();
    assert_error(
        &call(addr, "POST", &kv_path(""), long.as_bytes()).await,
        400,
        10004,
        "Invalid namespace title: 513 characters exceeds limit of 512",
    );
    let exactly = serde_json::json!({ "title": "é".repeat(512) }).to_string();
    assert_eq!(
        call(addr, "POST", &kv_path(""), exactly.as_bytes())
            .await
            .status,
        200
    );
    let form = build("POST", &kv_path(""), &[BEARER, FORM], b"--XyZ--\r\n");
    assert_error(
        &send(addr, form).await,
        400,
        10035,
        "Unsupported Content-Type: multipart/form-data; boundary=XyZ",
    );
    let curl = build(
        "POST",
        &kv_path(""),
        &[
            BEARER,
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        br#"{"title":"from curl -d"}"#,
    );
    assert_eq!(send(addr, curl).await.status, 200);
    assert_eq!(server.namespaces(ACCOUNT).len(), 2);
}

#[tokio::test]
async fn get_rename_delete() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let id = create(&server, "before").await;
    let path = kv_path(&format!("/{id}"));
    assert_body(
        &call(addr, "GET", &path, b"").await,
        &success_with(&namespace_json(&id, "before")),
    );
    let renamed = call(addr, "PUT", &path, br#"{"title":"after"}"#).await;
    assert_body(&renamed, &success_with(&namespace_json(&id, "after")));
    // Renaming to its own title is fine; to another namespace's is not.
    assert_eq!(
        call(addr, "PUT", &path, br#"{"title":"after"}"#)
            .await
            .status,
        200
    );
    create(&server, "taken").await;
    assert_error(
        &call(addr, "PUT", &path, br#"{"title":"taken"}"#).await,
        400,
        10014,
        TAKEN,
    );
    assert_success(&call(addr, "DELETE", &path, b"").await);
    assert_error(&call(addr, "GET", &path, b"").await, 404, 10013, NOT_FOUND);
    assert_error(
        &call(addr, "DELETE", &path, b"").await,
        404,
        10013,
        NOT_FOUND,
    );
    assert_error(
        &call(addr, "PUT", &path, br#"{"title":"x"}"#).await,
        404,
        10013,
        NOT_FOUND,
    );
    assert_eq!(server.namespace(ACCOUNT, &id), None);
}

#[tokio::test]
async fn deleting_a_namespace_deletes_its_keys() {
    let server = MockServer::start().await;
    let addr = server.addr();
    let id = create(&server, "doomed").await;
    let value = kv_path(&format!("/{id}/values/k"));
    assert_success(&call(addr, "PUT", &value, b"v").await);
    assert_eq!(server.keys(ACCOUNT, &id), ["k"]);
    assert_success(&call(addr, "DELETE", &kv_path(&format!("/{id}")), br#"{}"#).await);
    assert!(server.keys(ACCOUNT, &id).is_empty());
    assert_error(&call(addr, "GET", &value, b"").await, 404, 10013, NOT_FOUND);
}

#[tokio::test]
async fn every_route_of_an_unknown_namespace_is_404_10013() {
    let server = MockServer::builder()
        .strict_namespaces(true)
        .start()
        .await
        .unwrap();
    let addr = server.addr();
    let cases: [(&str, &str, &[u8]); 11] = [
        ("GET", "", b""),
        ("PUT", "", br#"{"title":"t"}"#),
        ("DELETE", "", b""),
        ("GET", "/keys", b""),
        ("GET", "/values/k", b""),
        ("PUT", "/values/k", b"v"),
        ("DELETE", "/values/k", b""),
        ("GET", "/metadata/k", b""),
        ("PUT", "/bulk", br#"[{"key":"k","value":"v"}]"#),
        ("POST", "/bulk/delete", br#"["k"]"#),
        ("POST", "/bulk/get", br#"{"keys":["k"]}"#),
    ];
    for (method, rest, body) in cases {
        let response = call(addr, method, &ns_path(rest), body).await;
        assert_error(&response, 404, 10013, NOT_FOUND);
    }
    assert!(server.namespaces(ACCOUNT).is_empty());
}

#[tokio::test]
async fn by_default_a_write_creates_its_namespace_but_a_read_does_not() {
    let server = MockServer::start().await;
    let addr = server.addr();
    assert_error(
        &call(addr, "GET", &ns_path("/keys"), b"").await,
        404,
        10013,
        NOT_FOUND,
    );
    assert_error(
        &call(addr, "DELETE", &ns_path("/values/k"), b"").await,
        404,
        10013,
        NOT_FOUND,
    );
    assert_success(&call(addr, "PUT", &ns_path("/values/k"), b"v").await);
    let implicit = Namespace {
        id: NAMESPACE.to_owned(),
        title: NAMESPACE.to_owned(),
    };
    assert_eq!(server.namespaces(ACCOUNT), [implicit]);
    let other = kv_path("/fresh/bulk");
    assert_eq!(call(addr, "PUT", &other, br#"[]"#).await.status, 200);
    assert!(server.namespace(ACCOUNT, "fresh").is_some());
}

#[tokio::test]
async fn library_namespaces_seed_a_strict_server() {
    let server = MockServer::builder()
        .strict_namespaces(true)
        .start()
        .await
        .unwrap();
    server.insert_namespace(ACCOUNT, NAMESPACE, "seeded");
    assert_success(&call(server.addr(), "PUT", &ns_path("/values/k"), b"v").await);
    let path = kv_path(&format!("/{NAMESPACE}"));
    let response = call(server.addr(), "GET", &path, b"").await;
    assert_body(
        &response,
        &success_with(&namespace_json(NAMESPACE, "seeded")),
    );
}

/// Creates namespaces titled `t0..tN` with ids chosen so id order and title order differ.
fn seed(server: &MockServer, n: usize) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = (0..n)
        .map(|i| (format!("{:02}", (n - i) * 7 % 100), format!("t{i:02}")))
        .collect();
    for (id, title) in &all {
        server.insert_namespace(ACCOUNT, id, title);
    }
    all.sort();
    all
}

fn page_of(all: &[(String, String)]) -> String {
    let items: Vec<String> = all
        .iter()
        .map(|(id, title)| namespace_json(id, title))
        .collect();
    format!("[{}]", items.join(","))
}

#[tokio::test]
async fn list_pages_with_result_info() {
    let server = MockServer::start().await;
    let all = seed(&server, 45);
    let addr = server.addr();
    let first = call(addr, "GET", &kv_path(""), b"").await;
    let info = r#"{"page":1,"per_page":20,"count":20,"total_count":45,"total_pages":3}"#;
    assert_body(&first, &success_paged(&page_of(&all[..20]), info));
    let last = call(addr, "GET", &kv_path("?page=3&per_page=20"), b"").await;
    let info = r#"{"page":3,"per_page":20,"count":5,"total_count":45,"total_pages":3}"#;
    assert_body(&last, &success_paged(&page_of(&all[40..]), info));
    let beyond = call(addr, "GET", &kv_path("?page=9"), b"").await;
    let info = r#"{"page":9,"per_page":20,"count":0,"total_count":45,"total_pages":3}"#;
    assert_body(&beyond, &success_paged("[]", info));
    let whole = call(addr, "GET", &kv_path("?per_page=1000"), b"").await;
    assert_eq!(json_of(&whole)["result"].as_array().unwrap().len(), 45);
}

#[tokio::test]
async fn list_orders_by_id_or_title_either_way() {
    let server = MockServer::start().await;
    let by_id = seed(&server, 5);
    let mut by_title = by_id.clone();
    by_title.sort_by(|a, b| a.1.cmp(&b.1));
    let ids = |query: &str| {
        let addr = server.addr();
        let path = kv_path(query);
        async move {
            let json = json_of(&call(addr, "GET", &path, b"").await);
            let items = json["result"].as_array().unwrap().clone();
            items
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let id_order: Vec<String> = by_id.iter().map(|n| n.0.clone()).collect();
    let title_order: Vec<String> = by_title.iter().map(|n| n.0.clone()).collect();
    let reversed = |v: &[String]| v.iter().rev().cloned().collect::<Vec<_>>();
    assert_ne!(id_order, title_order);
    assert_eq!(ids("").await, id_order);
    assert_eq!(ids("?order=id&direction=asc").await, id_order);
    assert_eq!(ids("?direction=desc").await, reversed(&id_order));
    assert_eq!(ids("?order=title").await, title_order);
    assert_eq!(
        ids("?order=title&direction=desc").await,
        reversed(&title_order)
    );
    assert_eq!(
        ids("?order=title&direction=desc&per_page=2&page=2").await,
        reversed(&title_order)[2..4]
    );
}

#[tokio::test]
async fn list_parameter_refusals() {
    let server = MockServer::start().await;
    let cases = [
        (
            "page=0",
            "Invalid page of 0. Please specify an integer of at least 1.",
        ),
        (
            "page=1.5",
            "Invalid page of 1.5. Please specify an integer of at least 1.",
        ),
        (
            "per_page=0",
            "Invalid per_page of 0. Please specify an integer between 1 and 1000.",
        ),
        (
            "per_page=1001",
            "Invalid per_page of 1001. Please specify an integer between 1 and 1000.",
        ),
        (
            "order=name",
            "Invalid order of name. Please specify id or title.",
        ),
        (
            "direction=up",
            "Invalid direction of up. Please specify asc or desc.",
        ),
        (
            "order=%G1",
            "Invalid order: %G1 is not percent-encoded UTF-8",
        ),
    ];
    for (query, message) in cases {
        let response = call(server.addr(), "GET", &kv_path(&format!("?{query}")), b"").await;
        assert_error(&response, 400, 10002, message);
    }
}

#[tokio::test]
async fn namespace_routes_check_method_and_credentials() {
    let server = MockServer::start().await;
    let response = call(server.addr(), "DELETE", &kv_path(""), b"").await;
    assert_error(&response, 405, 10405, "Method not allowed");
    assert_eq!(response.header("allow"), Some("GET, POST"));
    let anonymous = send(server.addr(), build("GET", &kv_path(""), &[], b"")).await;
    assert_error_code(&anonymous, 401, 9106);
    let bad_account = "/client/v4/accounts/a%G1/storage/kv/namespaces";
    assert_error(
        &call(server.addr(), "GET", bad_account, b"").await,
        400,
        7003,
        "Could not route to a%G1, perhaps your object identifier is invalid?",
    );
}
