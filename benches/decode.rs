//! Reading a large listing: the generated `Deserialize` (one `visit_map` over a sorted member
//! table, written by kv-codegen) beside serde's derive on the same shape, in one run, so the
//! difference is what writing it by hand costs or saves at run time. The input is a key
//! listing envelope of 10,000 keys with expiration and metadata, about 1 MB of JSON.
//!
//! `cargo bench -p cloudflare-kv --bench decode`

use cloudflare_kv::types::KeyListEnvelope;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;

/// The listing's shape with serde's derive, as the emitter wrote it before.
#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedEnvelope {
    success: bool,
    #[serde(default)]
    errors: Vec<DerivedMessage>,
    #[serde(default)]
    messages: Vec<DerivedMessage>,
    #[serde(default)]
    result: Vec<DerivedKey>,
    #[serde(default)]
    result_info: Option<DerivedCursor>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedMessage {
    code: i64,
    message: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedKey {
    name: String,
    #[serde(default)]
    expiration: Option<i64>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedCursor {
    #[serde(default)]
    count: Option<i64>,
    #[serde(default)]
    cursor: Option<String>,
}

fn listing(keys: usize) -> Vec<u8> {
    let result: Vec<serde_json::Value> = (0..keys)
        .map(|i| {
            serde_json::json!({
                "name": format!("user/{i:06}/profile"),
                "expiration": 1_700_000_000 + i,
                "metadata": {"owner": "someone", "rev": i},
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": result,
        "result_info": {"count": keys, "cursor": "6Ck1la0VxJ0djhidm1MdX2FyDGxLKVeeHZZmORS_8XeSuhz9SjIJRaSa2lnsF01tQOHrfTGAP3R5X1Kv5iVUuMbNKhWNAXHOl6ePB0TUL8nw"},
    }))
    .unwrap_or_default()
}

fn decode(c: &mut Criterion) {
    let json = listing(10_000);
    let mut group = c.benchmark_group("decode-key-listing-10000");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<KeyListEnvelope>(&json).map(|e| e.result.len()))
    });
    group.bench_function("serde-derive", |b| {
        b.iter(|| serde_json::from_slice::<DerivedEnvelope>(&json).map(|e| e.result.len()))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
