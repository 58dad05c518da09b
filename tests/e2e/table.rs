//! End to end: every method of the Workers KV table, the SDK against the local mock (an
//! independent reading of the API), pagers included.

use std::time::Duration;

use crate::support::*;
use cloudflare_kv::types::{BulkGetType, BulkGetValue, BulkWriteItem, Namespace};
use cloudflare_kv::{
    BulkDeleteParams, BulkGetParams, BulkUpdateParams, CreateNamespaceParams,
    DeleteNamespaceParams, DeleteValueParams, ErrorKind, GetMetadataParams, GetNamespaceParams,
    GetValueParams, ListKeysParams, ListNamespacesParams, UpdateNamespaceParams, UpdateValueParams,
};
use cloudflare_kv_mock::MockServer;
use futures_util::TryStreamExt;
use serde_json::json;

#[tokio::test]
async fn namespaces_are_created_listed_by_page_renamed_and_deleted() {
    let server = MockServer::start().await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let mut created = Vec::new();
    for i in 0..7 {
        let title = format!("ns-{i}");
        let namespace = namespaces
            .create(CreateNamespaceParams::new(title.as_str()))
            .await
            .unwrap();
        assert_eq!(namespace.title, title);
        created.push(namespace.into_body());
    }
    let duplicate = namespaces
        .create(CreateNamespaceParams::new("ns-0"))
        .await
        .unwrap_err();
    assert_eq!(duplicate.status().map(|s| s.as_u16()), Some(400));

    let listed: Vec<Namespace> = namespaces
        .list_all(ListNamespacesParams::new().per_page(3))
        .items()
        .try_collect()
        .await
        .unwrap();
    let mut titles: Vec<&str> = listed.iter().map(|n| n.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        ["ns-0", "ns-1", "ns-2", "ns-3", "ns-4", "ns-5", "ns-6"]
    );
    let lists = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(lists, 3, "three pages of three, the last holding one");

    let first = &created[0];
    let renamed = namespaces
        .update(&first.id, UpdateNamespaceParams::new("renamed"))
        .await
        .unwrap();
    assert_eq!(renamed.title, "renamed");
    let got = namespaces
        .get(&first.id, GetNamespaceParams::new())
        .await
        .unwrap();
    assert_eq!(got.title, "renamed");
    namespaces
        .delete(&first.id, DeleteNamespaceParams::new())
        .await
        .unwrap();
    let gone = namespaces
        .get(&first.id, GetNamespaceParams::new())
        .await
        .unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn values_metadata_and_keys_round_trip() {
    let server = MockServer::start().await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let values = namespaces.values();
    let bytes: Vec<u8> = (0..=255).collect();
    values
        .update(
            NAMESPACE,
            "dir/bin ü",
            UpdateValueParams::new(&bytes)
                .metadata(json!({"kind": "bytes"}))
                .expiration_ttl(Duration::from_secs(600)),
        )
        .await
        .unwrap();
    let read = values
        .get(NAMESPACE, "dir/bin ü", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(read.body().as_ref(), bytes.as_slice());
    let streamed = values
        .get_stream(NAMESPACE, "dir/bin ü", GetValueParams::new())
        .await
        .unwrap();
    assert_eq!(streamed.into_body().to_bytes(1024).await.unwrap(), bytes);
    let metadata = namespaces
        .metadata()
        .get(NAMESPACE, "dir/bin ü", GetMetadataParams::new())
        .await
        .unwrap();
    assert_eq!(metadata.body(), &json!({"kind": "bytes"}));

    for i in 0..25 {
        values
            .update(NAMESPACE, format!("k{i:02}"), UpdateValueParams::new("v"))
            .await
            .unwrap();
    }
    let keys: Vec<String> = namespaces
        .keys()
        .list_all(NAMESPACE, ListKeysParams::new().prefix("k").limit(10))
        .items()
        .map_ok(|key| key.name)
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (0..25).map(|i| format!("k{i:02}")).collect();
    assert_eq!(
        keys, expected,
        "sorted, across three pages, ending at the last key"
    );

    values
        .delete(NAMESPACE, "dir/bin ü", DeleteValueParams::new())
        .await
        .unwrap();
    let missing = values
        .get(NAMESPACE, "dir/bin ü", GetValueParams::new())
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.errors()[0].code, 10009);
}

#[tokio::test]
async fn bulk_write_get_and_delete() {
    let server = MockServer::start().await;
    let client = client(&server);
    let namespaces = client.kv().namespaces();
    let items = vec![
        BulkWriteItem {
            key: "a".into(),
            value: r#"{"n":1}"#.into(),
            metadata: Some(json!({"m": "a"})),
            ..Default::default()
        },
        BulkWriteItem {
            key: "b".into(),
            value: "AAH/".into(),
            base64: Some(true),
            ..Default::default()
        },
    ];
    let written = namespaces
        .bulk_update(NAMESPACE, BulkUpdateParams::new(items))
        .await
        .unwrap();
    assert_eq!(written.successful_key_count, 2);
    assert_eq!(
        server.get(ACCOUNT, NAMESPACE, "b").unwrap().value.as_ref(),
        [0, 1, 255]
    );

    let text = namespaces
        .bulk_get(NAMESPACE, BulkGetParams::new(["a", "missing"]))
        .await
        .unwrap();
    assert_eq!(
        text.values.get("a"),
        Some(&Some(BulkGetValue::BulkGetPlain(json!(r#"{"n":1}"#))))
    );
    assert_eq!(text.values.get("missing"), Some(&None));
    let parsed = namespaces
        .bulk_get(
            NAMESPACE,
            BulkGetParams::new(["a"])
                .r#type(BulkGetType::Json)
                .with_metadata(true),
        )
        .await
        .unwrap();
    let Some(Some(BulkGetValue::BulkGetEntry(entry))) = parsed.values.get("a") else {
        panic!("an entry, with metadata: {:?}", parsed.values);
    };
    assert_eq!(entry.value, json!({"n": 1}));
    assert_eq!(entry.metadata, Some(json!({"m": "a"})));

    let deleted = namespaces
        .bulk_delete(NAMESPACE, BulkDeleteParams::new(["a", "b"]))
        .await
        .unwrap();
    assert_eq!(deleted.successful_key_count, 2);
    assert!(server.keys(ACCOUNT, NAMESPACE).is_empty());
}
