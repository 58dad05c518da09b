//! End to end: every valid key name reaches the mock as exactly that key.

use crate::support::*;
use cloudflare_kv::UpdateValueParams;
use cloudflare_kv_mock::MockServer;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

/// The longest key, in bytes of UTF-8.
const MAX_KEY_BYTES: usize = 512;

/// One piece of a key: characters that URLs treat specially, plain ASCII, non-ASCII
/// letters, emoji (some of several code points), or any character that is not a control
/// character.
fn piece() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        "/", "%", "?", "#", " ", "+", "&", "=", ".", "..", "~", ";", ":", "@", "\\", "\"", "'",
        "<", ">", "[", "]", "{", "}", "|", "^", "`", "%2F", "%25", "%00", "./", "../",
    ])
    .prop_map(str::to_owned);
    let ascii = (0x20u8..=0x7e).prop_map(|b| char::from(b).to_string());
    let non_ascii = prop::sample::select(vec![
        "é", "ü", "ß", "ñ", "Ж", "日", "本", "€", "\u{a0}", "ﬀ", "\u{fffd}",
    ])
    .prop_map(str::to_owned);
    let emoji =
        prop::sample::select(vec!["😀", "🦀", "🎉", "👍🏽", "👨‍👩‍👧", "🇨🇭"]).prop_map(str::to_owned);
    let printable = any::<char>()
        .prop_filter("no control characters", |c| !c.is_control())
        .prop_map(String::from);
    prop_oneof![3 => special, 3 => ascii, 2 => non_ascii, 1 => emoji, 1 => printable]
}

/// Keys of 1..=512 bytes, short ones and ones at or near the limit alike; never `.`
/// or `..` (which no URL can carry).
fn key() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        prop::collection::vec(piece(), 1..=8),
        prop::collection::vec(piece(), 1..=400),
    ];
    pieces
        .prop_map(|pieces| {
            let mut key = String::new();
            for ch in pieces.concat().chars() {
                if key.len() + ch.len_utf8() > MAX_KEY_BYTES {
                    break;
                }
                key.push(ch);
            }
            key
        })
        .prop_filter("a valid key", |k| !k.is_empty() && k != "." && k != "..")
}

#[test]
fn a_thousand_random_keys_are_each_stored_under_exactly_that_key() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(MockServer::start());
    let client = client(&server);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let case = std::cell::Cell::new(0u32);
    runner
        .run(&key(), |key| {
            // Each case gets its own namespace, so its key list is exactly its key.
            case.set(case.get() + 1);
            let namespace = format!("{:032x}", case.get());
            let written = runtime.block_on(client.kv().namespaces().values().update(
                &namespace,
                &key,
                UpdateValueParams::new(key.clone()),
            ));
            prop_assert!(written.is_ok(), "{key:?}: {:?}", written.err());
            let entry = server.get(ACCOUNT, &namespace, &key);
            prop_assert!(entry.is_some(), "{key:?} is not stored under itself");
            let value = entry.map(|e| e.value).unwrap_or_default();
            prop_assert_eq!(value.as_ref(), key.as_bytes());
            prop_assert_eq!(server.keys(ACCOUNT, &namespace), vec![key.clone()]);
            Ok(())
        })
        .unwrap();
    assert!(case.get() >= 1000, "only {} cases ran", case.get());
}

#[tokio::test]
async fn tricky_keys_are_stored_under_exactly_themselves() {
    let server = MockServer::start().await;
    let client = client(&server);
    let keys = [
        "a/b",
        "/leading/and/trailing/",
        "//",
        "%2F",
        "100%",
        "%",
        "?query=1&x",
        "#fragment",
        " spaced key ",
        "+plus+",
        "...",
        "./",
        "a/../b",
        "..\\..",
        "日本/😀 👨‍👩‍👧",
        &"ü".repeat(256),
        &"k".repeat(512),
    ];
    for key in keys {
        put(&client, key, UpdateValueParams::new(key))
            .await
            .unwrap_or_else(|e| panic!("{key:?}: {e}"));
        let entry = server.get(ACCOUNT, NAMESPACE, key);
        assert_eq!(
            entry.map(|e| e.value),
            Some(key.as_bytes().to_vec().into()),
            "{key:?}"
        );
    }
    let mut expected: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    expected.sort();
    assert_eq!(server.keys(ACCOUNT, NAMESPACE), expected);
}
