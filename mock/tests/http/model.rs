//! Model-based property test of the mock's state: random sequences of writes, bulk
//! writes, deletes, bulk deletes, reads, metadata reads, bulk gets, listings (with
//! prefixes, small limits and cursors resumed after other changes) and clock
//! advances, sent over HTTP to one server and compared with a plain in-memory model.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::*;
use base64::Engine;
use cloudflare_kv_mock::MockServer;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const T0: i64 = 1_700_000_000;

/// Every byte but the unreserved ones is escaped, as a careful client does.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Few keys, so operations collide; byte order differs from char order, and some
/// need escaping.
const KEYS: [&str; 24] = [
    "a", "a b", "a/b", "a.", "ab", "abc", "b", "ba", "é", "€", "q%G1", "k?x#y", "A", "~", "+p",
    "ü1", "ü2", "n0", "n1", "n2", "n3", "n4", "n5", "n6",
];
const PREFIXES: [&str; 8] = ["", "a", "a ", "n", "ü", "é", "+", "zz"];
const TTLS: [i64; 5] = [59, 60, 61, 120, 3600];

#[derive(Debug, Clone)]
enum Op {
    Put {
        key: usize,
        value: Vec<u8>,
        metadata: Option<Value>,
        ttl: Option<i64>,
    },
    BulkWrite {
        pairs: Vec<Pair>,
    },
    Delete {
        key: usize,
    },
    BulkDelete {
        keys: Vec<usize>,
    },
    Get {
        key: usize,
    },
    Metadata {
        key: usize,
    },
    BulkGet {
        keys: Vec<usize>,
        with_metadata: bool,
    },
    ListStart {
        prefix: usize,
        limit: usize,
    },
    ListNext,
    Advance {
        secs: u64,
    },
}

#[derive(Debug, Clone)]
struct Pair {
    key: usize,
    value: String,
    base64: bool,
    ttl: Option<i64>,
    metadata: Option<Value>,
}

fn metadata() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(1)),
        Just(json!("s")),
        Just(json!({"a": [1, true]})),
        Just(json!(null))
    ]
}

fn ttl() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(proptest::sample::select(TTLS.to_vec()))
}

fn pair() -> impl Strategy<Value = Pair> {
    let meta =
        proptest::option::of(metadata().prop_filter("bulk null is no metadata", |m| !m.is_null()));
    (0..KEYS.len(), "[a-z€]{0,4}", any::<bool>(), ttl(), meta).prop_map(
        |(key, value, base64, ttl, metadata)| Pair {
            key,
            value,
            base64,
            ttl,
            metadata,
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS.len();
    let keys = proptest::collection::vec(0..KEYS.len(), 0..6);
    prop_oneof![
        4 => (key.clone(), proptest::collection::vec(any::<u8>(), 0..6), proptest::option::of(metadata()), ttl())
            .prop_map(|(key, value, metadata, ttl)| Op::Put { key, value, metadata, ttl }),
        2 => proptest::collection::vec(pair(), 0..12).prop_map(|pairs| Op::BulkWrite { pairs }),
        2 => key.clone().prop_map(|key| Op::Delete { key }),
        1 => keys.clone().prop_map(|keys| Op::BulkDelete { keys }),
        2 => key.clone().prop_map(|key| Op::Get { key }),
        1 => key.prop_map(|key| Op::Metadata { key }),
        2 => (keys, any::<bool>()).prop_map(|(keys, with_metadata)| Op::BulkGet { keys, with_metadata }),
        2 => (0..PREFIXES.len(), 10usize..=12).prop_map(|(prefix, limit)| Op::ListStart { prefix, limit }),
        3 => Just(Op::ListNext),
        2 => proptest::sample::select(vec![1u64, 30, 59, 60, 61, 600]).prop_map(|secs| Op::Advance { secs }),
    ]
}

/// What the test believes is stored.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    value: Vec<u8>,
    metadata: Option<Value>,
    expiration: Option<i64>,
}

/// The plain model: entries by key (a `BTreeMap<String, _>` sorts by UTF-8 bytes),
/// the clock, and the listing in progress.
#[derive(Debug)]
struct Model {
    now: i64,
    entries: BTreeMap<String, Entry>,
    /// The prefix, limit, last name returned and server cursor of a listing.
    listing: Option<(String, usize, String, String)>,
}

impl Model {
    fn live(&self, key: &str) -> Option<&Entry> {
        self.entries
            .get(key)
            .filter(|e| e.expiration.is_none_or(|at| at > self.now))
    }

    fn page(&self, prefix: &str, after: Option<&str>, limit: usize) -> (Vec<Value>, bool) {
        let live: Vec<(&String, &Entry)> = self
            .entries
            .iter()
            .filter(|(k, _)| k.starts_with(prefix) && after.is_none_or(|a| k.as_str() > a))
            .filter(|(k, _)| self.live(k).is_some())
            .collect();
        let shown = live
            .iter()
            .take(limit)
            .map(|(k, e)| key_json(k, e))
            .collect();
        (shown, live.len() > limit)
    }
}

fn key_json(name: &str, entry: &Entry) -> Value {
    let mut item = json!({ "name": name });
    if let Some(at) = entry.expiration {
        item["expiration"] = json!(at);
    }
    if let Some(metadata) = &entry.metadata {
        item["metadata"] = metadata.clone();
    }
    item
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

fn ttl_error(ttl: i64) -> String {
    format!("Invalid expiration_ttl of {ttl}. Expiration TTL must be at least 60.")
}

fn success(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

fn failure(code: u32, message: &str) -> Value {
    json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null})
}

fn counted(n: usize) -> Value {
    success(json!({"successful_key_count": n, "unsuccessful_keys": []}))
}

/// A case: a bulk write that seeds many keys (so listings page), then operations.
fn case() -> impl Strategy<Value = Vec<Op>> {
    let seed = proptest::collection::vec(pair(), 8..30).prop_map(|pairs| Op::BulkWrite { pairs });
    (seed, proptest::collection::vec(op(), 1..25)).prop_map(|(seed, mut ops)| {
        ops.insert(0, seed);
        ops
    })
}

/// Runs one sequence against the (reset) server and the model.
async fn run(server: &MockServer, ops: Vec<Op>) -> Result<(), TestCaseError> {
    server.reset();
    server.set_time(T0);
    let mut conn = Conn::open(server.addr()).await;
    // The namespace exists from the start, so reads never meet "namespace not found".
    server.insert_namespace(ACCOUNT, NAMESPACE, "model");
    let mut model = Model {
        now: T0,
        entries: BTreeMap::new(),
        listing: None,
    };
    for op in ops {
        step(server, &mut conn, &mut model, op).await?;
    }
    Ok(())
}

async fn step(
    server: &MockServer,
    conn: &mut Conn,
    model: &mut Model,
    op: Op,
) -> Result<(), TestCaseError> {
    match op {
        Op::Put {
            key,
            value,
            metadata,
            ttl,
        } => put_op(conn, model, key, value, metadata, ttl).await,
        Op::BulkWrite { pairs } => bulk_write_op(conn, model, pairs).await,
        Op::Delete { key } => {
            let response = conn
                .send(
                    "DELETE",
                    &ns_path(&format!("/values/{}", encode(KEYS[key]))),
                    b"",
                )
                .await;
            prop_assert_eq!(json_of(&response), success(json!({})));
            model.entries.remove(KEYS[key]);
            Ok(())
        }
        Op::BulkDelete { keys } => {
            let names: Vec<&str> = keys.iter().map(|&k| KEYS[k]).collect();
            let response = conn
                .send(
                    "POST",
                    &ns_path("/bulk/delete"),
                    json!(names).to_string().as_bytes(),
                )
                .await;
            prop_assert_eq!(json_of(&response), counted(names.len()));
            for name in names {
                model.entries.remove(name);
            }
            Ok(())
        }
        Op::Get { key } => get_op(conn, model, key).await,
        Op::Metadata { key } => {
            let response = conn
                .send(
                    "GET",
                    &ns_path(&format!("/metadata/{}", encode(KEYS[key]))),
                    b"",
                )
                .await;
            let expected = match model.live(KEYS[key]) {
                Some(entry) => success(entry.metadata.clone().unwrap_or(Value::Null)),
                None => failure(10009, "key not found"),
            };
            prop_assert_eq!(json_of(&response), expected);
            Ok(())
        }
        Op::BulkGet {
            keys,
            with_metadata,
        } => bulk_get_op(conn, model, keys, with_metadata).await,
        Op::ListStart { prefix, limit } => {
            model.listing = None;
            list_op(conn, model, PREFIXES[prefix].to_owned(), limit, None).await
        }
        Op::ListNext => match model.listing.take() {
            Some((prefix, limit, after, cursor)) => {
                list_op(conn, model, prefix, limit, Some((after, cursor))).await
            }
            None => Ok(()),
        },
        Op::Advance { secs } => {
            server.advance(Duration::from_secs(secs));
            model.now += i64::try_from(secs).unwrap();
            prop_assert_eq!(server.now(), model.now);
            Ok(())
        }
    }
}

async fn put_op(
    conn: &mut Conn,
    model: &mut Model,
    key: usize,
    value: Vec<u8>,
    metadata: Option<Value>,
    ttl: Option<i64>,
) -> Result<(), TestCaseError> {
    let query = ttl
        .map(|t| format!("?expiration_ttl={t}"))
        .unwrap_or_default();
    let target = values_path(&format!("{}{query}", encode(KEYS[key])));
    let response = match &metadata {
        None => conn.send("PUT", &target, &value).await,
        Some(metadata) => {
            let meta = metadata.to_string();
            let form = multipart(
                "XyZ",
                &[("value", None, &value), ("metadata", None, meta.as_bytes())],
            );
            conn.send_with("PUT", &target, &[BEARER, FORM], &form).await
        }
    };
    if let Some(bad) = ttl.filter(|&t| t < 60) {
        prop_assert_eq!(json_of(&response), failure(10033, &ttl_error(bad)));
        return Ok(());
    }
    prop_assert_eq!(json_of(&response), success(json!({})));
    let expiration = ttl.map(|t| model.now + t);
    model.entries.insert(
        KEYS[key].to_owned(),
        Entry {
            value,
            metadata,
            expiration,
        },
    );
    Ok(())
}

async fn bulk_write_op(
    conn: &mut Conn,
    model: &mut Model,
    pairs: Vec<Pair>,
) -> Result<(), TestCaseError> {
    let body: Vec<Value> = pairs.iter().map(pair_json).collect();
    let response = conn
        .send(
            "PUT",
            &ns_path("/bulk"),
            Value::Array(body).to_string().as_bytes(),
        )
        .await;
    let bad = pairs
        .iter()
        .enumerate()
        .find_map(|(i, p)| p.ttl.filter(|&t| t < 60).map(|t| (i, t)));
    if let Some((i, t)) = bad {
        let message = format!("/{i}/expiration_ttl: {}", ttl_error(t));
        prop_assert_eq!(json_of(&response), failure(10033, &message));
        return Ok(());
    }
    prop_assert_eq!(json_of(&response), counted(pairs.len()));
    for pair in pairs {
        let entry = Entry {
            value: pair.value.into_bytes(),
            metadata: pair.metadata,
            expiration: pair.ttl.map(|t| model.now + t),
        };
        model.entries.insert(KEYS[pair.key].to_owned(), entry);
    }
    Ok(())
}

fn pair_json(pair: &Pair) -> Value {
    let mut item = json!({ "key": KEYS[pair.key] });
    item["value"] = if pair.base64 {
        item["base64"] = json!(true);
        json!(base64::engine::general_purpose::STANDARD.encode(&pair.value))
    } else {
        json!(pair.value)
    };
    if let Some(t) = pair.ttl {
        item["expiration_ttl"] = json!(t);
    }
    if let Some(m) = &pair.metadata {
        item["metadata"] = m.clone();
    }
    item
}

async fn get_op(conn: &mut Conn, model: &Model, key: usize) -> Result<(), TestCaseError> {
    let response = conn
        .send("GET", &values_path(&encode(KEYS[key])), b"")
        .await;
    match model.live(KEYS[key]) {
        Some(entry) => {
            prop_assert_eq!(response.status, 200);
            prop_assert_eq!(&response.body, &entry.value);
            let header = entry.expiration.map(|at| at.to_string());
            prop_assert_eq!(response.header("expiration"), header.as_deref());
        }
        None => prop_assert_eq!(json_of(&response), failure(10009, "key not found")),
    }
    Ok(())
}

async fn bulk_get_op(
    conn: &mut Conn,
    model: &Model,
    keys: Vec<usize>,
    with_metadata: bool,
) -> Result<(), TestCaseError> {
    let names: Vec<&str> = keys.iter().map(|&k| KEYS[k]).collect();
    let body = json!({"keys": names, "withMetadata": with_metadata}).to_string();
    let response = conn
        .send("POST", &ns_path("/bulk/get"), body.as_bytes())
        .await;
    let mut values = serde_json::Map::new();
    for name in &names {
        let item = match model.live(name) {
            None => Value::Null,
            Some(entry) => {
                let Ok(text) = std::str::from_utf8(&entry.value) else {
                    let message = format!("Value of key '{name}' is not UTF-8 text");
                    prop_assert_eq!(json_of(&response), failure(10006, &message));
                    return Ok(());
                };
                if with_metadata {
                    let mut item = json!({"value": text, "metadata": entry.metadata.clone().unwrap_or(Value::Null)});
                    if let Some(at) = entry.expiration {
                        item["expiration"] = json!(at);
                    }
                    item
                } else {
                    json!(text)
                }
            }
        };
        values.entry((*name).to_owned()).or_insert(item);
    }
    prop_assert_eq!(json_of(&response), success(json!({ "values": values })));
    Ok(())
}

async fn list_op(
    conn: &mut Conn,
    model: &mut Model,
    prefix: String,
    limit: usize,
    resume: Option<(String, String)>,
) -> Result<(), TestCaseError> {
    let mut query = format!("/keys?limit={limit}&prefix={}", encode(&prefix));
    if let Some((_, cursor)) = &resume {
        query.push_str(&format!("&cursor={cursor}"));
    }
    let response = conn.send("GET", &ns_path(&query), b"").await;
    let (page, more) = model.page(
        &prefix,
        resume.as_ref().map(|(after, _)| after.as_str()),
        limit,
    );
    let json = json_of(&response);
    prop_assert_eq!(&json["result"], &Value::Array(page.clone()));
    prop_assert_eq!(&json["result_info"]["count"], &json!(page.len()));
    let cursor = json["result_info"]["cursor"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    prop_assert_eq!(
        cursor.is_empty(),
        !more,
        "cursor {:?} with more = {}",
        cursor,
        more
    );
    if more {
        let last = page
            .last()
            .and_then(|k| k["name"].as_str())
            .unwrap_or("")
            .to_owned();
        model.listing = Some((prefix, limit, last, cursor));
    }
    Ok(())
}

#[test]
fn the_mock_behaves_like_the_model() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(MockServer::builder().start_time(T0).log_capacity(0).start())
        .unwrap();
    let config = Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |ops| runtime.block_on(run(&server, ops)));
    if let Err(err) = result {
        panic!("{err}");
    }
}
