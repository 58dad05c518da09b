//! End to end, every Workers KV operation: the generated SDK against the local mock over
//! HTTP on 127.0.0.1, asserting exact values, error codes and `result_info`.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::*;
use cloudflare_kv::types::{
    BulkGetEntry, BulkGetType, BulkGetValue, BulkWriteItem, Key, Namespace,
};
use cloudflare_kv::{
    BulkDeleteParams, BulkGetParams, BulkUpdateParams, Client, CreateNamespaceParams,
    DeleteNamespaceParams, DeleteValueParams, ErrorKind, GetMetadataParams, GetNamespaceParams,
    GetValueParams, ListKeysParams, ListNamespacesParams, UpdateNamespaceParams, UpdateValueParams,
};
use cloudflare_kv_mock::MockServer;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

const NOT_FOUND: &str = "key not found";
const NO_NAMESPACE: &str = "namespace not found";
const DUPLICATE: &str = "a namespace with this account ID and title already exists";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

async fn create(client: &Client, title: &str) -> Namespace {
    let created = client
        .kv()
        .namespaces()
        .create(CreateNamespaceParams::new(title))
        .await
        .unwrap_or_else(|e| panic!("create {title:?}: {e:?}"));
    created.into_body()
}

async fn get_value(
    client: &Client,
    namespace: &str,
    key: &str,
) -> Result<Vec<u8>, cloudflare_kv::Error> {
    let values = client.kv().namespaces().values();
    let got = values.get(namespace, key, GetValueParams::new()).await?;
    Ok(got.into_body().to_vec())
}

async fn metadata(
    client: &Client,
    namespace: &str,
    key: &str,
) -> Result<Value, cloudflare_kv::Error> {
    let reader = client.kv().namespaces().metadata();
    let got = reader.get(namespace, key, GetMetadataParams::new()).await?;
    Ok(got.into_body())
}

/// Every key of a namespace through the pager, with the number of requests it made.
async fn all_keys(
    server: &MockServer,
    client: &Client,
    params: ListKeysParams,
) -> (Vec<Key>, usize) {
    server.clear_requests();
    let keys: Vec<Key> = client
        .kv()
        .namespaces()
        .keys()
        .list_all(NAMESPACE, params)
        .items()
        .try_collect()
        .await
        .unwrap();
    (keys, server.requests().len())
}

fn names(keys: &[Key]) -> Vec<&str> {
    keys.iter().map(|k| k.name.as_str()).collect()
}

/// Writes `value` under each key of the test namespace.
async fn put_all(client: &Client, keys: &[String]) {
    for key in keys {
        put(client, key, UpdateValueParams::new(key.clone()))
            .await
            .unwrap_or_else(|e| panic!("{key:?}: {e:?}"));
    }
}

fn is_namespace_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn item(key: &str, value: &str) -> BulkWriteItem {
    BulkWriteItem {
        key: key.to_owned(),
        value: value.to_owned(),
        ..BulkWriteItem::default()
    }
}

/// Bytes that are not a pattern a buggy copy could reproduce by accident.
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Namespaces
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_namespace_is_created_read_renamed_and_deleted_with_its_keys() {
    let server = MockServer::start().await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();

    let created = create(&client, "alpha").await;
    assert!(is_namespace_id(&created.id), "{created:?}");
    assert_eq!(created.title, "alpha");
    assert_eq!(created.supports_url_encoding, Some(true));
    let stored = server.namespace(ACCOUNT, &created.id).unwrap();
    assert_eq!(
        (stored.id.as_str(), stored.title.as_str()),
        (created.id.as_str(), "alpha")
    );

    let got = namespaces
        .get(&created.id, GetNamespaceParams::new())
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(*got.body(), created);

    let renamed = namespaces
        .update(&created.id, UpdateNamespaceParams::new("beta"))
        .await
        .unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.title.as_str()),
        (created.id.as_str(), "beta")
    );
    let got = namespaces
        .get(&created.id, GetNamespaceParams::new())
        .await
        .unwrap();
    assert_eq!(got.title, "beta");
    // Renaming to the title it already has is fine.
    namespaces
        .update(&created.id, UpdateNamespaceParams::new("beta"))
        .await
        .unwrap();

    let values = namespaces.values();
    for key in ["one", "two"] {
        values
            .update(&created.id, key, UpdateValueParams::new(key))
            .await
            .unwrap();
    }
    assert_eq!(server.keys(ACCOUNT, &created.id), ["one", "two"]);

    let deleted = namespaces
        .delete(&created.id, DeleteNamespaceParams::new())
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    assert_eq!(server.namespace(ACCOUNT, &created.id), None);
    assert!(server.keys(ACCOUNT, &created.id).is_empty());
    let gone = namespaces
        .get(&created.id, GetNamespaceParams::new())
        .await
        .unwrap_err();
    assert_not_found(&gone, 10013, NO_NAMESPACE);
    let gone = get_value(&client, &created.id, "one").await.unwrap_err();
    assert_not_found(&gone, 10013, NO_NAMESPACE);
    let again = namespaces
        .delete(&created.id, DeleteNamespaceParams::new())
        .await
        .unwrap_err();
    assert_not_found(&again, 10013, NO_NAMESPACE);
}

#[tokio::test]
async fn a_duplicate_title_is_refused_on_create_and_on_rename() {
    let server = MockServer::start().await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let first = create(&client, "taken").await;
    let second = create(&client, "free").await;
    assert_ne!(first.id, second.id);

    let refused = namespaces
        .create(CreateNamespaceParams::new("taken"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Api, "{refused:?}");
    assert_api_error(&refused, 400, 10014, DUPLICATE);
    assert_eq!(server.namespaces(ACCOUNT).len(), 2);

    let refused = namespaces
        .update(&second.id, UpdateNamespaceParams::new("taken"))
        .await
        .unwrap_err();
    assert_api_error(&refused, 400, 10014, DUPLICATE);
    assert_eq!(server.namespace(ACCOUNT, &second.id).unwrap().title, "free");

    // Titles are compared exactly: another case is another title.
    let other_case = create(&client, "Taken").await;
    assert_eq!(other_case.title, "Taken");
}

#[tokio::test]
async fn create_is_never_sent_twice_even_after_a_server_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    server.fail_next(1, 503, None);
    let failed = client
        .kv()
        .namespaces()
        .create(CreateNamespaceParams::new("once"))
        .await
        .unwrap_err();
    assert_eq!(failed.kind(), ErrorKind::Server, "{failed:?}");
    assert_eq!(failed.status().map(|s| s.as_u16()), Some(503));
    let posts = server.requests();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        (posts[0].method.as_str(), posts[0].body.as_ref()),
        ("POST", br#"{"title":"once"}"#.as_slice())
    );
    assert!(server.namespaces(ACCOUNT).is_empty());
}

#[tokio::test]
async fn one_page_of_namespaces_carries_its_result_info() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut created = Vec::new();
    for title in ["delta", "alpha", "echo", "charlie", "bravo"] {
        created.push(create(&client, title).await);
    }
    let namespaces = client.kv().namespaces();

    // The default order is by id, ascending.
    let mut by_id = created.clone();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let page = namespaces
        .list(ListNamespacesParams::new().per_page(2))
        .await
        .unwrap();
    assert_eq!(*page.body(), by_id[..2]);
    let info = page.result_info().unwrap();
    assert_eq!(
        (
            info.page,
            info.per_page,
            info.count,
            info.total_count,
            info.total_pages
        ),
        (Some(1), Some(2), Some(2), Some(5), Some(3))
    );

    let params = ListNamespacesParams::new()
        .order("title")
        .direction("desc")
        .per_page(2)
        .page(2);
    let page = namespaces.list(params).await.unwrap();
    let titles: Vec<&str> = page.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["charlie", "bravo"]);
    let info = page.result_info().unwrap();
    assert_eq!(
        (info.page, info.count, info.total_count),
        (Some(2), Some(2), Some(5))
    );

    // The whole account in one page with the default `per_page` (20).
    let page = namespaces.list(ListNamespacesParams::new()).await.unwrap();
    assert_eq!(*page.body(), by_id);
    let info = page.result_info().unwrap();
    assert_eq!(
        (info.page, info.per_page, info.count),
        (Some(1), Some(20), Some(5))
    );

    // A page past the end is empty.
    let page = namespaces
        .list(ListNamespacesParams::new().per_page(2).page(9))
        .await
        .unwrap();
    assert!(page.is_empty());
    assert_eq!(page.result_info().unwrap().count, Some(0));
}

#[tokio::test]
async fn the_namespace_pager_walks_every_page_and_stops_at_the_last() {
    for (total, requests) in [(7, 3), (9, 3)] {
        let server = MockServer::start().await;
        let client = client(&server);
        let mut created = Vec::new();
        for i in 0..total {
            created.push(create(&client, &format!("ns-{i}")).await);
        }
        created.sort_by(|a, b| a.id.cmp(&b.id));
        server.clear_requests();

        let pages: Vec<_> = client
            .kv()
            .namespaces()
            .list_all(ListNamespacesParams::new().per_page(3))
            .try_collect()
            .await
            .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
        let expected_sizes: Vec<usize> = (0..requests).map(|p| (total - 3 * p).min(3)).collect();
        assert_eq!(sizes, expected_sizes, "{total} namespaces");
        let queries: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.raw_query().unwrap_or("").to_owned())
            .collect();
        assert_eq!(
            queries,
            ["per_page=3", "page=2&per_page=3", "page=3&per_page=3"]
        );

        let items: Vec<Namespace> = client
            .kv()
            .namespaces()
            .list_all(ListNamespacesParams::new().per_page(3))
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, created, "{total} namespaces");
        assert_eq!(items.last(), created.last());
    }
}

#[tokio::test]
async fn an_unknown_namespace_is_not_found_on_every_route_that_reads_or_deletes() {
    let server = MockServer::start().await;
    let client = client(&server);
    let ns = client.kv().namespaces();
    let missing = "ffffffffffffffffffffffffffffffff";
    let errors = [
        ns.get(missing, GetNamespaceParams::new()).await.map(drop),
        ns.update(missing, UpdateNamespaceParams::new("t"))
            .await
            .map(drop),
        ns.delete(missing, DeleteNamespaceParams::new())
            .await
            .map(drop),
        ns.keys()
            .list(missing, ListKeysParams::new())
            .await
            .map(drop),
        ns.values()
            .get(missing, "k", GetValueParams::new())
            .await
            .map(drop),
        ns.values()
            .delete(missing, "k", DeleteValueParams::new())
            .await
            .map(drop),
        ns.metadata()
            .get(missing, "k", GetMetadataParams::new())
            .await
            .map(drop),
        ns.bulk_delete(missing, BulkDeleteParams::new(["k"]))
            .await
            .map(drop),
        ns.bulk_get(missing, BulkGetParams::new(["k"]))
            .await
            .map(drop),
    ];
    for (i, result) in errors.into_iter().enumerate() {
        let error = result.expect_err(&format!("route {i} found a missing namespace"));
        assert_not_found(&error, 10013, NO_NAMESPACE);
    }
    assert!(server.namespaces(ACCOUNT).is_empty());
}

#[tokio::test]
async fn with_strict_namespaces_writes_to_an_unknown_namespace_are_refused() {
    let server = MockServer::builder()
        .strict_namespaces(true)
        .start()
        .await
        .unwrap();
    let client = client(&server);
    let refused = put(&client, "k", UpdateValueParams::new("v"))
        .await
        .unwrap_err();
    assert_not_found(&refused, 10013, NO_NAMESPACE);
    let refused = client
        .kv()
        .namespaces()
        .bulk_update(NAMESPACE, BulkUpdateParams::new([item("k", "v")]))
        .await
        .unwrap_err();
    assert_not_found(&refused, 10013, NO_NAMESPACE);
    assert!(server.namespaces(ACCOUNT).is_empty());

    let created = create(&client, "strict").await;
    let values = client.kv().namespaces().values();
    values
        .update(&created.id, "k", UpdateValueParams::new("v"))
        .await
        .unwrap();
    assert_eq!(get_value(&client, &created.id, "k").await.unwrap(), b"v");
}

// ---------------------------------------------------------------------------------------
// Values and metadata
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_raw_value_reads_back_byte_for_byte() {
    let server = MockServer::start().await;
    let client = client(&server);
    let every_byte: Vec<u8> = (0..=255).collect();
    put(&client, "raw", UpdateValueParams::new(every_byte.clone()))
        .await
        .unwrap();
    let got = client
        .kv()
        .namespaces()
        .values()
        .get(NAMESPACE, "raw", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.body().as_ref(), every_byte.as_slice());
    let header = |name: &str| got.headers().get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("content-type"), Some("application/octet-stream"));
    assert_eq!(header("content-length"), Some("256"));
    assert_eq!(header("expiration"), None);
    assert_eq!(
        metadata(&client, NAMESPACE, "raw").await.unwrap(),
        Value::Null
    );

    // An overwrite replaces the value; an empty value is a value.
    put(&client, "raw", UpdateValueParams::new(Vec::new()))
        .await
        .unwrap();
    assert_eq!(get_value(&client, NAMESPACE, "raw").await.unwrap(), b"");
}

#[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
struct Tags {
    owner: String,
    version: u32,
    labels: Vec<String>,
}

#[tokio::test]
async fn a_value_with_metadata_and_ttl_reads_back_with_both() {
    let server = manual_clock_server().await;
    let client = client(&server);
    let tags = Tags {
        owner: "ops".to_owned(),
        version: 3,
        labels: vec!["a".to_owned(), "é".to_owned()],
    };
    let params = UpdateValueParams::new("payload ✓")
        .metadata(&tags)
        .expiration_ttl(Duration::from_secs(300));
    put(&client, "with/meta", params).await.unwrap();

    let got = client
        .kv()
        .namespaces()
        .values()
        .get(NAMESPACE, "with/meta", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(got.body().as_ref(), "payload ✓".as_bytes());
    let expiration = got.headers().get("expiration").map(|v| v.to_str().unwrap());
    assert_eq!(expiration, Some((T0 + 300).to_string().as_str()));

    let raw = metadata(&client, NAMESPACE, "with/meta").await.unwrap();
    assert_eq!(
        raw,
        json!({"owner": "ops", "version": 3, "labels": ["a", "é"]})
    );
    let typed = client
        .kv()
        .namespaces()
        .metadata()
        .get(NAMESPACE, "with/meta", GetMetadataParams::new())
        .await
        .unwrap()
        .deserialize::<Tags>()
        .unwrap();
    assert_eq!(*typed.body(), tags);

    let listed = client
        .kv()
        .namespaces()
        .keys()
        .list(NAMESPACE, ListKeysParams::new())
        .await
        .unwrap();
    assert_eq!(
        *listed.body(),
        [Key {
            name: "with/meta".to_owned(),
            expiration: Some(T0 + 300),
            metadata: Some(raw),
        }]
    );
}

#[tokio::test]
async fn an_absolute_expiration_is_kept_and_a_plain_overwrite_drops_it() {
    let server = manual_clock_server().await;
    let client = client(&server);
    let at = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(T0).unwrap() + 3600);
    put(
        &client,
        "k",
        UpdateValueParams::new("v1")
            .expiration(at)
            .metadata(json!({"n": 1})),
    )
    .await
    .unwrap();
    let entry = server.get(ACCOUNT, NAMESPACE, "k").unwrap();
    assert_eq!(
        (entry.expiration, entry.metadata),
        (Some(T0 + 3600), Some(json!({"n": 1})))
    );

    put(&client, "k", UpdateValueParams::new("v2"))
        .await
        .unwrap();
    let got = client
        .kv()
        .namespaces()
        .values()
        .get(NAMESPACE, "k", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(
        (got.body().as_ref(), got.headers().get("expiration")),
        (b"v2".as_slice(), None)
    );
    assert_eq!(
        metadata(&client, NAMESPACE, "k").await.unwrap(),
        Value::Null
    );
}

#[tokio::test]
async fn metadata_reads_as_null_without_and_as_the_callers_type_with() {
    let server = MockServer::start().await;
    let client = client(&server);
    put(&client, "bare", UpdateValueParams::new("v"))
        .await
        .unwrap();
    let reader = client.kv().namespaces().metadata();
    let bare = reader
        .get(NAMESPACE, "bare", GetMetadataParams::new())
        .await
        .unwrap();
    assert_eq!(*bare.body(), Value::Null);
    let none = bare.deserialize::<Option<Tags>>().unwrap();
    assert_eq!(*none.body(), None);

    put(
        &client,
        "tagged",
        UpdateValueParams::new("v").metadata(json!({"owner": "me", "version": 1, "labels": []})),
    )
    .await
    .unwrap();
    let tagged = reader
        .get(NAMESPACE, "tagged", GetMetadataParams::new())
        .await
        .unwrap();
    let some = tagged.clone().deserialize::<Option<Tags>>().unwrap();
    let expected = Tags {
        owner: "me".to_owned(),
        version: 1,
        labels: Vec::new(),
    };
    assert_eq!(*some.body(), Some(expected));
    // Another shape than the caller's type is an error that says so.
    let wrong = tagged.deserialize::<Vec<u8>>().unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::UnexpectedBody, "{wrong:?}");

    let missing = reader
        .get(NAMESPACE, "missing", GetMetadataParams::new())
        .await
        .unwrap_err();
    assert_not_found(&missing, 10009, NOT_FOUND);
}

#[tokio::test]
async fn a_large_value_streams_back_equal() {
    let server = MockServer::start().await;
    let client = client(&server);
    let value = noise(1_572_864 + 7); // 1.5 MiB and a few bytes
    put(&client, "large", UpdateValueParams::new(value.clone()))
        .await
        .unwrap();
    let values = client.kv().namespaces().values();

    let streamed = values
        .get_stream(NAMESPACE, "large", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(streamed.status().as_u16(), 200);
    let body = streamed.into_body();
    assert_eq!(body.content_length(), Some(value.len() as u64));
    let chunks: Vec<_> = body.try_collect().await.unwrap();
    assert!(
        chunks.len() > 1,
        "the body came in {} chunk(s)",
        chunks.len()
    );
    assert_eq!(chunks.concat(), value);

    // The same bytes whole, and through the bounded buffer.
    assert_eq!(get_value(&client, NAMESPACE, "large").await.unwrap(), value);
    let stream = values
        .get_stream(NAMESPACE, "large", GetValueParams::new())
        .await
        .unwrap();
    let whole = stream.into_body().to_bytes(value.len()).await.unwrap();
    assert_eq!(whole.as_ref(), value.as_slice());
    let stream = values
        .get_stream(NAMESPACE, "large", GetValueParams::new())
        .await
        .unwrap();
    let short = stream
        .into_body()
        .to_bytes(value.len() - 1)
        .await
        .unwrap_err();
    assert_eq!(short.kind(), ErrorKind::ResponseTooLarge, "{short:?}");

    // A missing key is still the API's error, read from its envelope.
    let missing = values
        .get_stream(NAMESPACE, "absent", GetValueParams::new())
        .await
        .unwrap_err();
    assert_not_found(&missing, 10009, NOT_FOUND);
}

#[tokio::test]
async fn deleting_a_value_removes_it_and_an_absent_key_is_fine() {
    let server = MockServer::start().await;
    let client = client(&server);
    let values = client.kv().namespaces().values();
    put(&client, "doomed", UpdateValueParams::new("v"))
        .await
        .unwrap();
    put(&client, "kept", UpdateValueParams::new("w"))
        .await
        .unwrap();

    let deleted = values
        .delete(NAMESPACE, "doomed", DeleteValueParams::new())
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["kept"]);
    let missing = get_value(&client, NAMESPACE, "doomed").await.unwrap_err();
    assert_not_found(&missing, 10009, NOT_FOUND);
    let missing = metadata(&client, NAMESPACE, "doomed").await.unwrap_err();
    assert_not_found(&missing, 10009, NOT_FOUND);

    for absent in ["doomed", "never-written"] {
        let again = values
            .delete(NAMESPACE, absent, DeleteValueParams::new())
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 200);
    }
    assert_eq!(get_value(&client, NAMESPACE, "kept").await.unwrap(), b"w");
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn keys_list_filters_by_prefix_limits_and_resumes_after_the_cursor() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut keys: Vec<String> = (0..22).map(|i| format!("p/{i:02}")).collect();
    keys.extend(["o".to_owned(), "p".to_owned(), "q/00".to_owned()]);
    put_all(&client, &keys).await;
    let lister = client.kv().namespaces().keys();
    let page = |cursor: Option<String>| {
        let params = ListKeysParams::new().prefix("p/").limit(10);
        let params = match cursor {
            Some(cursor) => params.cursor(cursor),
            None => params,
        };
        lister.list(NAMESPACE, params)
    };

    let first = page(None).await.unwrap();
    let expected: Vec<String> = (0..10).map(|i| format!("p/{i:02}")).collect();
    assert_eq!(names(first.body()), expected);
    let info = first.result_info().unwrap();
    assert_eq!(info.count, Some(10));
    let cursor = info.cursor.clone().unwrap();
    assert!(!cursor.is_empty());

    // The cursor stays valid while keys change: a deleted key is not needed to resume,
    // a key added before it is not returned, one added after it is.
    let values = client.kv().namespaces().values();
    values
        .delete(NAMESPACE, "p/09", DeleteValueParams::new())
        .await
        .unwrap();
    put_all(&client, &["p/05a".to_owned(), "p/10a".to_owned()]).await;

    let second = page(Some(cursor)).await.unwrap();
    let expected = [
        "p/10", "p/10a", "p/11", "p/12", "p/13", "p/14", "p/15", "p/16", "p/17", "p/18",
    ];
    assert_eq!(names(second.body()), expected);
    let cursor = second.result_info().unwrap().cursor.clone().unwrap();

    let third = page(Some(cursor)).await.unwrap();
    assert_eq!(names(third.body()), ["p/19", "p/20", "p/21"]);
    let info = third.result_info().unwrap();
    assert_eq!((info.count, info.cursor.as_deref()), (Some(3), Some("")));

    // Without a prefix: every key in byte order, `limit` defaulting to 1,000.
    let everything = lister.list(NAMESPACE, ListKeysParams::new()).await.unwrap();
    assert_eq!(everything.len(), 26);
    assert_eq!(
        everything.result_info().unwrap().cursor.as_deref(),
        Some("")
    );
    let nothing = lister
        .list(NAMESPACE, ListKeysParams::new().prefix("zzz"))
        .await
        .unwrap();
    assert!(nothing.is_empty());
    assert_eq!(nothing.result_info().unwrap().count, Some(0));
}

#[tokio::test]
async fn the_key_pager_walks_three_pages_and_ends_exactly_at_the_last_key() {
    // 25 keys: pages of 10, 10, 5. 30 keys: three full pages, the last with an empty
    // cursor, so no fourth request.
    for total in [25, 30] {
        let server = MockServer::start().await;
        let client = client(&server);
        let keys: Vec<String> = (0..total).map(|i| format!("k{i:03}")).collect();
        put_all(&client, &keys).await;
        let (listed, requests) = all_keys(&server, &client, ListKeysParams::new().limit(10)).await;
        assert_eq!(names(&listed), keys, "{total} keys");
        assert_eq!(requests, 3, "{total} keys");

        server.clear_requests();
        let pages: Vec<_> = client
            .kv()
            .namespaces()
            .keys()
            .list_all(NAMESPACE, ListKeysParams::new().limit(10))
            .try_collect()
            .await
            .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
        let expected: Vec<usize> = (0..3).map(|p| (total - 10 * p).min(10)).collect();
        assert_eq!(sizes, expected);
        let cursors: Vec<&str> = pages
            .iter()
            .map(|p| p.result_info().unwrap().cursor.as_deref().unwrap())
            .collect();
        assert!(!cursors[0].is_empty() && !cursors[1].is_empty() && cursors[2].is_empty());
        let requests = server.requests();
        assert_eq!(requests[0].raw_query(), Some("limit=10"));
        assert_eq!(
            requests[1].raw_query().map(str::to_owned),
            Some(format!("limit=10&cursor={}", cursors[0]))
        );
    }
}

#[tokio::test]
async fn keys_are_listed_in_utf8_byte_order_whatever_their_characters() {
    let server = MockServer::start().await;
    let client = client(&server);
    let keys: Vec<String> = [
        "z", "a", "a b", "a#b", "a%b", "a%25b", "a/b", "a?b", "a+b", "a&b=c", "A", "~", "é", "€",
        "😀", "日本", "e\u{301}", " lead", "a/", "ab",
    ]
    .iter()
    .map(|k| (*k).to_owned())
    .collect();
    put_all(&client, &keys).await;
    let mut expected = keys.clone();
    expected.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));

    let (listed, _) = all_keys(&server, &client, ListKeysParams::new().limit(10)).await;
    assert_eq!(names(&listed), expected);
    for key in &keys {
        let value = get_value(&client, NAMESPACE, key).await.unwrap();
        assert_eq!(value, key.as_bytes(), "{key:?}");
    }

    // Prefixes that need escaping in a query select exactly their keys.
    let cases: [(&str, &[&str]); 8] = [
        ("a%", &["a%25b", "a%b"]),
        ("a#", &["a#b"]),
        ("a?", &["a?b"]),
        ("a ", &["a b"]),
        ("a/", &["a/", "a/b"]),
        ("a+", &["a+b"]),
        ("a&", &["a&b=c"]),
        ("€", &["€"]),
    ];
    for (prefix, want) in cases {
        let (listed, _) = all_keys(&server, &client, ListKeysParams::new().prefix(prefix)).await;
        assert_eq!(names(&listed), want, "prefix {prefix:?}");
    }
}

#[tokio::test]
async fn a_list_limit_out_of_range_is_refused() {
    let server = MockServer::start().await;
    put(&client(&server), "k", UpdateValueParams::new("v"))
        .await
        .unwrap();
    server.clear_requests();
    // The SDK refuses before sending anything...
    for limit in [9, 1001] {
        let refused = client(&server)
            .kv()
            .namespaces()
            .keys()
            .list(NAMESPACE, ListKeysParams::new().limit(limit))
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Validation, "{refused:?}");
    }
    assert!(server.requests().is_empty());
    // ...and so does the mock when the SDK lets it judge.
    for limit in [9, 1001] {
        let refused = unvalidated_client(&server)
            .kv()
            .namespaces()
            .keys()
            .list(NAMESPACE, ListKeysParams::new().limit(limit))
            .await
            .unwrap_err();
        let message =
            format!("Invalid limit of {limit}. Please specify an integer between 10 and 1000.");
        assert_api_error(&refused, 400, 10002, &message);
    }
}

// ---------------------------------------------------------------------------------------
// Bulk
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bulk_update_writes_text_and_base64_pairs_with_ttl_and_metadata() {
    let server = manual_clock_server().await;
    let client = client(&server);
    let items = vec![
        item("text", "bulk ✓"),
        BulkWriteItem {
            base64: Some(true),
            ..item("binary", "AAEC/v8=")
        },
        BulkWriteItem {
            expiration_ttl: Some(120),
            metadata: Some(json!({"kind": "ttl"})),
            ..item("ttl", "short-lived")
        },
        BulkWriteItem {
            expiration: Some(T0 + 600),
            base64: Some(false),
            ..item("at", "YQ==")
        },
        item("text", "last one wins"),
    ];
    let written = client
        .kv()
        .namespaces()
        .bulk_update(NAMESPACE, BulkUpdateParams::new(items))
        .await
        .unwrap();
    assert_eq!(written.successful_key_count, 5);
    assert_eq!(written.unsuccessful_keys, Vec::<String>::new());

    let read = |key: &'static str| get_value(&client, NAMESPACE, key);
    assert_eq!(read("text").await.unwrap(), b"last one wins");
    assert_eq!(read("binary").await.unwrap(), [0, 1, 2, 0xfe, 0xff]);
    assert_eq!(read("ttl").await.unwrap(), b"short-lived");
    assert_eq!(read("at").await.unwrap(), b"YQ==");
    let meta = metadata(&client, NAMESPACE, "ttl").await.unwrap();
    assert_eq!(meta, json!({"kind": "ttl"}));

    let listed = client
        .kv()
        .namespaces()
        .keys()
        .list(NAMESPACE, ListKeysParams::new())
        .await
        .unwrap();
    let expirations: Vec<(&str, Option<i64>)> = listed
        .iter()
        .map(|k| (k.name.as_str(), k.expiration))
        .collect();
    assert_eq!(
        expirations,
        [
            ("at", Some(T0 + 600)),
            ("binary", None),
            ("text", None),
            ("ttl", Some(T0 + 120))
        ]
    );
}

#[tokio::test]
async fn a_bulk_update_with_one_bad_pair_stores_nothing() {
    let server = manual_clock_server().await;
    let client = unvalidated_client(&server);
    put(&client, "before", UpdateValueParams::new("old"))
        .await
        .unwrap();
    let items = vec![
        item("before", "new"),
        BulkWriteItem {
            expiration_ttl: Some(30),
            ..item("short", "v")
        },
    ];
    let refused = client
        .kv()
        .namespaces()
        .bulk_update(NAMESPACE, BulkUpdateParams::new(items))
        .await
        .unwrap_err();
    assert_api_error(
        &refused,
        400,
        10033,
        "/1/expiration_ttl: Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    );
    let bad_base64 = BulkWriteItem {
        base64: Some(true),
        ..item("b", "not base64!")
    };
    let refused = client
        .kv()
        .namespaces()
        .bulk_update(NAMESPACE, BulkUpdateParams::new([bad_base64]))
        .await
        .unwrap_err();
    assert_eq!(refusal(&refused).1, Some(10007), "{refused:?}");
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["before"]);
    assert_eq!(
        get_value(&client, NAMESPACE, "before").await.unwrap(),
        b"old"
    );
}

#[tokio::test]
async fn bulk_get_reads_text_and_json_with_and_without_metadata() {
    let server = manual_clock_server().await;
    let client = client(&server);
    put(&client, "text", UpdateValueParams::new("plain"))
        .await
        .unwrap();
    let with_meta = UpdateValueParams::new(r#"{"n":[1,2]}"#)
        .metadata(json!({"m": true}))
        .expiration_ttl(90u32);
    put(&client, "json", with_meta).await.unwrap();
    let ns = client.kv().namespaces();

    let text = ns
        .bulk_get(
            NAMESPACE,
            BulkGetParams::new(["text", "json", "missing", "text"]),
        )
        .await
        .unwrap();
    let expected = json!({"text": "plain", "json": "{\"n\":[1,2]}", "missing": null});
    assert_eq!(
        serde_json::to_value(text.into_body().values).unwrap(),
        expected
    );

    let parsed = ns
        .bulk_get(
            NAMESPACE,
            BulkGetParams::new(["json", "missing"]).r#type(BulkGetType::Json),
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(parsed.into_body().values).unwrap(),
        json!({"json": {"n": [1, 2]}, "missing": null})
    );

    let params = BulkGetParams::new(["text", "json", "missing"]).with_metadata(true);
    let detailed = ns.bulk_get(NAMESPACE, params).await.unwrap();
    let entry = |value: &str, metadata, expiration| {
        Some(BulkGetValue::BulkGetEntry(BulkGetEntry {
            value: json!(value),
            metadata,
            expiration,
        }))
    };
    let expected = BTreeMap::from([
        ("text".to_owned(), entry("plain", None, None)),
        (
            "json".to_owned(),
            entry("{\"n\":[1,2]}", Some(json!({"m": true})), Some(T0 + 90)),
        ),
        ("missing".to_owned(), None),
    ]);
    assert_eq!(detailed.into_body().values, expected);

    let params = BulkGetParams::new(["json"])
        .r#type("json")
        .with_metadata(true);
    let both = ns.bulk_get(NAMESPACE, params).await.unwrap();
    let expected =
        json!({"json": {"value": {"n": [1, 2]}, "metadata": {"m": true}, "expiration": T0 + 90}});
    assert_eq!(
        serde_json::to_value(both.into_body().values).unwrap(),
        expected
    );

    // `text` is not JSON, and so cannot be read with `type: json`.
    let refused = ns
        .bulk_get(NAMESPACE, BulkGetParams::new(["text"]).r#type("json"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&refused).0, Some(400));
    assert_eq!(refusal(&refused).1, Some(10006));
    // Bytes that are not UTF-8 cannot be read as text.
    put(&client, "bytes", UpdateValueParams::new(vec![0xff, 0xfe]))
        .await
        .unwrap();
    let refused = ns
        .bulk_get(NAMESPACE, BulkGetParams::new(["bytes"]))
        .await
        .unwrap_err();
    assert_api_error(
        &refused,
        400,
        10006,
        "Value of key 'bytes' is not UTF-8 text",
    );
}

#[tokio::test]
async fn bulk_delete_removes_every_named_key_and_counts_absent_ones() {
    let server = MockServer::start().await;
    let client = client(&server);
    let keys: Vec<String> = ["a", "b", "c", "d/e", "f g"]
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    put_all(&client, &keys).await;
    let deleted = client
        .kv()
        .namespaces()
        .bulk_delete(
            NAMESPACE,
            BulkDeleteParams::new(["a", "d/e", "f g", "never"]),
        )
        .await
        .unwrap();
    assert_eq!(deleted.successful_key_count, 4);
    assert_eq!(deleted.unsuccessful_keys, Vec::<String>::new());
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), ["b", "c"]);
    let gone = get_value(&client, NAMESPACE, "d/e").await.unwrap_err();
    assert_not_found(&gone, 10009, NOT_FOUND);
    let (listed, _) = all_keys(&server, &client, ListKeysParams::new()).await;
    assert_eq!(names(&listed), ["b", "c"]);
}

// ---------------------------------------------------------------------------------------
// Expiration
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_expired_pair_is_gone_for_get_list_metadata_and_bulk_get() {
    let server = manual_clock_server().await;
    let client = client(&server);
    let params = UpdateValueParams::new("brief")
        .expiration_ttl(60u64)
        .metadata(json!(1));
    put(&client, "short", params).await.unwrap();
    put(&client, "long", UpdateValueParams::new("lasting"))
        .await
        .unwrap();
    let bulk = BulkWriteItem {
        expiration_ttl: Some(60),
        ..item("bulk-short", "brief too")
    };
    client
        .kv()
        .namespaces()
        .bulk_update(NAMESPACE, BulkUpdateParams::new([bulk]))
        .await
        .unwrap();

    // One second before: still there.
    server.advance(Duration::from_secs(59));
    assert_eq!(
        get_value(&client, NAMESPACE, "short").await.unwrap(),
        b"brief"
    );
    assert_eq!(
        metadata(&client, NAMESPACE, "short").await.unwrap(),
        json!(1)
    );
    let (listed, _) = all_keys(&server, &client, ListKeysParams::new()).await;
    assert_eq!(names(&listed), ["bulk-short", "long", "short"]);

    server.advance(Duration::from_secs(2));
    assert_eq!(server.now(), T0 + 61);
    for key in ["short", "bulk-short"] {
        let gone = get_value(&client, NAMESPACE, key).await.unwrap_err();
        assert_not_found(&gone, 10009, NOT_FOUND);
        let gone = metadata(&client, NAMESPACE, key).await.unwrap_err();
        assert_not_found(&gone, 10009, NOT_FOUND);
    }
    let (listed, _) = all_keys(&server, &client, ListKeysParams::new()).await;
    assert_eq!(names(&listed), ["long"]);
    let bulk = client
        .kv()
        .namespaces()
        .bulk_get(
            NAMESPACE,
            BulkGetParams::new(["short", "bulk-short", "long"]).with_metadata(true),
        )
        .await
        .unwrap();
    let lasting = BulkGetEntry {
        value: json!("lasting"),
        metadata: None,
        expiration: None,
    };
    let expected = BTreeMap::from([
        ("short".to_owned(), None),
        ("bulk-short".to_owned(), None),
        ("long".to_owned(), Some(BulkGetValue::BulkGetEntry(lasting))),
    ]);
    assert_eq!(bulk.into_body().values, expected);
}

#[tokio::test]
async fn the_stream_of_items_is_usable_with_ordinary_stream_combinators() {
    let server = MockServer::start().await;
    let client = client(&server);
    let keys: Vec<String> = (0..35).map(|i| format!("s{i:02}")).collect();
    put_all(&client, &keys).await;
    // Taking fewer items than there are fetches only the pages needed.
    server.clear_requests();
    let first: Vec<String> = client
        .kv()
        .namespaces()
        .keys()
        .list_all(NAMESPACE, ListKeysParams::new().limit(10))
        .items()
        .take(15)
        .map(|k| k.unwrap().name)
        .collect()
        .await;
    assert_eq!(first, keys[..15]);
    assert_eq!(server.requests().len(), 2);
}
