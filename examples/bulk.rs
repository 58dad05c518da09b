//! Bulk operations: write several pairs in one request, read them back in one request
//! (as text, and parsed as JSON with their metadata), delete them in one request.
//!
//! ```sh
//! cargo run -p examples --example bulk
//! ```
//!
//! Runs against the embedded mock server (`cloudflare-kv-mock`) on 127.0.0.1: no
//! credentials, no network.

use cloudflare_kv::types::{BulkGetType, BulkGetValue, BulkWriteItem};
use cloudflare_kv::{BulkDeleteParams, BulkGetParams, BulkUpdateParams, Client, ClientBuilderExt};
use cloudflare_kv_mock::MockServer;
use serde_json::json;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const NAMESPACE_ID: &str = "0f2ac74b498b48028cb68387c421e279";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(cloudflare_kv_mock::DEFAULT_TOKEN)
        .account_id(ACCOUNT_ID)
        .build()?;
    let namespaces = client.kv().namespaces();

    // Up to 10,000 pairs per request, each with its own lifetime and metadata. A value is
    // text; bytes go as base64 with `base64: true`.
    let items = vec![
        BulkWriteItem {
            key: "greeting".into(),
            value: "hello".into(),
            ..Default::default()
        },
        BulkWriteItem {
            key: "config".into(),
            value: r#"{"retries":3}"#.into(),
            metadata: Some(json!({"owner": "ops"})),
            expiration_ttl: Some(3600),
            ..Default::default()
        },
        BulkWriteItem {
            key: "bytes".into(),
            value: "AAH/".into(),
            base64: Some(true),
            ..Default::default()
        },
    ];
    let written = namespaces
        .bulk_update(NAMESPACE_ID, BulkUpdateParams::new(items))
        .await?;
    println!(
        "Bulk write:  {} written, {:?} not",
        written.successful_key_count, written.unsuccessful_keys
    );

    // Up to 100 keys per request; a missing key reads as null.
    let text = namespaces
        .bulk_get(NAMESPACE_ID, BulkGetParams::new(["greeting", "missing"]))
        .await?;
    for (key, value) in &text.values {
        match value {
            Some(BulkGetValue::BulkGetPlain(value)) => println!("Bulk get:    {key} = {value}"),
            Some(other) => println!("Bulk get:    {key} = {other:?}"),
            None => println!("Bulk get:    {key} is missing"),
        }
    }

    // Parsed as JSON, with metadata and expiration: each value is a `BulkGetEntry`.
    let params = BulkGetParams::new(["config"])
        .r#type(BulkGetType::Json)
        .with_metadata(true);
    let parsed = namespaces.bulk_get(NAMESPACE_ID, params).await?;
    for (key, value) in parsed.into_body().values {
        let Some(BulkGetValue::BulkGetEntry(entry)) = value else {
            continue;
        };
        println!(
            "With meta:   {key} = {} (metadata {}, expires {})",
            entry.value,
            entry.metadata.unwrap_or_default(),
            entry
                .expiration
                .map_or("never".to_owned(), |at| at.to_string())
        );
    }

    let deleted = namespaces
        .bulk_delete(
            NAMESPACE_ID,
            BulkDeleteParams::new(["greeting", "config", "bytes"]),
        )
        .await?;
    println!(
        "Bulk delete: {} deleted; {} key(s) left",
        deleted.successful_key_count,
        server.keys(ACCOUNT_ID, NAMESPACE_ID).len()
    );
    server.shutdown().await;
    Ok(())
}
