//! Namespaces on the wire: list (one page and every page), create, get, rename, delete.

use crate::support::*;
use cloudflare_kv::types::{Direction, Namespace, NamespaceOrder};
use cloudflare_kv::{
    CreateNamespaceParams, DeleteNamespaceParams, ErrorKind, GetNamespaceParams,
    ListNamespacesParams, UpdateNamespaceParams,
};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::{Request, ResponseTemplate};

fn namespace(id: &str, title: &str) -> serde_json::Value {
    json!({"id": id, "title": title, "supports_url_encoding": true})
}

#[tokio::test]
async fn list_sends_page_size_and_order_and_returns_the_result_with_its_info() {
    let body = page_json(
        json!([namespace("n1", "One")]),
        json!({"page": 2, "per_page": 50, "count": 1, "total_count": 51}),
    );
    let server = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let params = ListNamespacesParams::new()
        .page(2)
        .per_page(50)
        .order(NamespaceOrder::Title)
        .direction(Direction::Desc);
    let response = client(&server)
        .kv()
        .namespaces()
        .list(params)
        .await
        .unwrap();
    assert_eq!(
        response.body(),
        &vec![Namespace {
            id: "n1".into(),
            title: "One".into(),
            supports_url_encoding: Some(true),
        }]
    );
    let info = response.result_info().unwrap();
    assert_eq!((info.page, info.total_count), (Some(2), Some(51)));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), namespaces_path(""));
    assert_eq!(
        request.url.query(),
        Some("page=2&per_page=50&order=title&direction=desc")
    );
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(request.body.is_empty());
}

/// Answers page `page` of `total` namespaces, `per_page` at a time, with the counts only
/// (`total_count`), or also `total_pages`.
fn pages_of(total: u64, with_total_pages: bool) -> impl Fn(&Request) -> ResponseTemplate {
    move |request: &Request| {
        let page: u64 = query_value(request, "page").map_or(1, |p| p.parse().unwrap());
        let per_page: u64 = query_value(request, "per_page").unwrap().parse().unwrap();
        let start = (page - 1) * per_page;
        let end = (start + per_page).min(total);
        let items: Vec<_> = (start..end)
            .map(|i| namespace(&format!("n{i}"), &format!("T{i}")))
            .collect();
        let mut info =
            json!({"page": page, "per_page": per_page, "count": end - start, "total_count": total});
        if with_total_pages {
            info["total_pages"] = json!(total.div_ceil(per_page));
        }
        ResponseTemplate::new(200).set_body_json(page_json(json!(items), info))
    }
}

#[tokio::test]
async fn list_all_follows_pages_to_exactly_the_last_item() {
    for with_total_pages in [false, true] {
        let server = answering_with(pages_of(7, with_total_pages)).await;
        let client = client(&server);
        let items: Vec<Namespace> = client
            .kv()
            .namespaces()
            .list_all(ListNamespacesParams::new().per_page(3))
            .items()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<&str> = items.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["n0", "n1", "n2", "n3", "n4", "n5", "n6"]);
        let queries: Vec<String> = received(&server)
            .await
            .iter()
            .map(|r| r.url.query().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            queries,
            ["per_page=3", "page=2&per_page=3", "page=3&per_page=3"],
            "three pages, no fourth request after the last"
        );
    }
}

#[tokio::test]
async fn list_all_ends_after_an_exactly_full_last_page_and_yields_pages_too() {
    let server = answering_with(pages_of(6, false)).await;
    let client = client(&server);
    let pages: Vec<_> = client
        .kv()
        .namespaces()
        .list_all(ListNamespacesParams::new().per_page(2))
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.body().len()).collect();
    assert_eq!(sizes, [2, 2, 2]);
    assert_eq!(pages[2].result_info().unwrap().page, Some(3));
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn list_all_stops_at_the_first_error() {
    let first = ResponseTemplate::new(200).set_body_json(page_json(
        json!([namespace("n0", "T0")]),
        json!({"page": 1, "per_page": 1, "total_count": 3}),
    ));
    let refused =
        ResponseTemplate::new(403).set_body_json(error_json(10000, "Authentication error"));
    let server = first_then(first, 1, refused).await;
    let client = client(&server);
    let items: Vec<Result<Namespace, _>> = client
        .kv()
        .namespaces()
        .list_all(ListNamespacesParams::new().per_page(1))
        .items()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id, "n0");
    assert_eq!(items[1].as_ref().unwrap_err().kind(), ErrorKind::Auth);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn create_posts_the_title_as_json_and_returns_the_namespace() {
    let body = result_json(namespace("0f2ac74b498b48028cb68387c421e279", "My NS"));
    let server = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let response = client(&server)
        .kv()
        .namespaces()
        .create(CreateNamespaceParams::new("My NS"))
        .await
        .unwrap();
    assert_eq!(response.title, "My NS");
    assert_eq!(response.id, "0f2ac74b498b48028cb68387c421e279");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), namespaces_path(""));
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(request.body, br#"{"title":"My NS"}"#);
}

#[tokio::test]
async fn create_is_never_retried_once_it_may_have_reached_the_server() {
    let unavailable = ResponseTemplate::new(503).set_body_string("down");
    let ok = ResponseTemplate::new(200).set_body_json(result_json(namespace("n", "t")));
    let server = first_then(unavailable, 1, ok).await;
    let client = builder(&server)
        .api_token(TOKEN)
        .retries(3)
        .build()
        .unwrap();
    let error = client
        .kv()
        .namespaces()
        .create(CreateNamespaceParams::new("t"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1, "a POST is sent once");
}

#[tokio::test]
async fn titles_are_checked_before_any_request() {
    let server = answering(ResponseTemplate::new(200)).await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let empty = namespaces
        .create(CreateNamespaceParams::new(""))
        .await
        .unwrap_err();
    assert_eq!(
        empty.to_string(),
        "invalid argument: title: must be at least 1 character, got 0 characters"
    );
    let long = namespaces
        .update(NAMESPACE, UpdateNamespaceParams::new("x".repeat(513)))
        .await
        .unwrap_err();
    assert_eq!(
        long.to_string(),
        "invalid argument: title: must be at most 512 characters, got 513 characters"
    );
    let page = namespaces
        .list(ListNamespacesParams::new().per_page(1001))
        .await
        .unwrap_err();
    assert_eq!(
        page.to_string(),
        "invalid argument: per_page: must be at most 1000, got 1001"
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn get_rename_and_delete_address_one_namespace() {
    let server = answering(
        ResponseTemplate::new(200).set_body_json(result_json(namespace(NAMESPACE, "Renamed"))),
    )
    .await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let got = namespaces
        .get(NAMESPACE, GetNamespaceParams::new())
        .await
        .unwrap();
    assert_eq!(got.id, NAMESPACE);
    let renamed = namespaces
        .update(NAMESPACE, UpdateNamespaceParams::new("Renamed"))
        .await
        .unwrap();
    assert_eq!(renamed.title, "Renamed");
    namespaces
        .delete(NAMESPACE, DeleteNamespaceParams::new())
        .await
        .unwrap();
    let requests = received(&server).await;
    let summary: Vec<(&str, String, &[u8])> = requests
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.url.path().to_owned(),
                r.body.as_slice(),
            )
        })
        .collect();
    let one = namespaces_path(&format!("/{NAMESPACE}"));
    assert_eq!(
        summary,
        [
            ("GET", one.clone(), &b""[..]),
            ("PUT", one.clone(), &br#"{"title":"Renamed"}"#[..]),
            ("DELETE", one, &b""[..]),
        ]
    );
    assert_eq!(
        header(&requests[1], "content-type"),
        Some("application/json")
    );
    assert!(requests.iter().all(|r| r.url.query().is_none()));
}

#[tokio::test]
async fn a_missing_namespace_is_not_found_with_the_apis_code() {
    let server = answering(
        ResponseTemplate::new(404).set_body_json(error_json(10013, "namespace not found")),
    )
    .await;
    let error = client(&server)
        .kv()
        .namespaces()
        .get(
            "0123456789abcdef0123456789abcdef",
            GetNamespaceParams::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.errors()[0].code, 10013);
    assert_eq!(error.operation(), Some("get-namespace"));
}
