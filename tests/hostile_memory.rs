//! Peak heap memory of calls against hostile servers, measured with a counting global
//! allocator (so this binary holds only these tests, and they take turns). The servers run
//! in the same process and make their huge bodies on the fly from one 64 KiB chunk, so
//! what is counted is the client's use (plus that chunk and the HTTP stack's buffers).
//!
//! Run with `--nocapture` to see each case's peak; the bounds are asserted.

// Its own binary, not a module of `tests/hostile/`: the counting allocator is global to the
// process, so any test running beside these would be counted in their peaks.
#[path = "shared/mod.rs"]
mod shared;
#[path = "hostile/support.rs"]
mod support;

use std::future::Future;
use std::sync::atomic::Ordering;

use kv_runtime::{Core, ErrorKind};
use support::*;

mod counting_alloc;
use counting_alloc::{LIVE, PEAK};

/// One measurement at a time: the counters are global.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const MIB: usize = 1 << 20;
const HUNDRED_MB: u64 = 100_000_000;

/// The peak heap growth while `call` runs (its result included), above what was live
/// before; the result's error kind comes back with it.
async fn peak_of<F, T>(name: &str, call: F) -> (usize, Option<ErrorKind>)
where
    F: Future<Output = Result<T, kv_runtime::Error>>,
{
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = call.await;
    let kind = result.as_ref().err().map(kv_runtime::Error::kind);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    drop(result);
    println!("{name}: peak {:.1} MiB, {kind:?}", peak as f64 / MIB as f64);
    (peak, kind)
}

fn client(server: &Server) -> Core {
    builder(&server.url())
        .api_token(TOKEN)
        .retries(0)
        .build()
        .unwrap()
}

const ENVELOPE: &[u8] = br#"{"success":true,"errors":[],"messages":[],"result":"#;

/// Each case: a 2xx JSON answer past the 16 MiB default is dropped at the limit. Reading
/// into a buffer that doubles (and jumps to the limit past its half) costs at most
/// 1.5 × 16 MiB; 26 MiB leaves room for the HTTP stack.
#[tokio::test]
async fn json_answers_past_the_limit_cost_at_most_one_and_a_half_times_it() {
    let _turn = TURN.lock().await;
    let string: &'static [u8] = [ENVELOPE, b"\""].concat().leak();
    let array: &'static [u8] = [ENVELOPE, b"["].concat().leak();
    let cases = [
        (
            "endless JSON body",
            Generated::new(b"[", b"0,", u64::MAX, b""),
        ),
        (
            "100 MB envelope, string result",
            Generated::new(string, b"a", HUNDRED_MB, b"\"}"),
        ),
        (
            "100 MB envelope, array result",
            Generated::new(array, b"0,", HUNDRED_MB, b"0]}"),
        ),
    ];
    for (name, body) in cases {
        let server = huge("200 OK", JSON, body).await;
        let core = client(&server);
        let (peak, kind) = peak_of(name, send_json(&core, put())).await;
        assert_eq!(kind, Some(ErrorKind::ResponseTooLarge), "{name}");
        assert!(peak < 26 * MIB, "{name}: {peak}");
    }
}

#[tokio::test]
async fn an_announced_100_mb_answer_costs_nothing() {
    let _turn = TURN.lock().await;
    let headers = &[
        "Content-Type: application/json",
        "Content-Length: 100000000",
    ];
    let server = huge(
        "200 OK",
        headers,
        Generated::new(b"", b"0", HUNDRED_MB, b""),
    )
    .await;
    let core = client(&server);
    let (peak, kind) = peak_of("100 MB announced", send_json(&core, put())).await;
    assert_eq!(kind, Some(ErrorKind::ResponseTooLarge));
    assert!(peak < MIB, "{peak}");
}

#[tokio::test]
async fn a_value_read_whole_costs_its_size_or_at_most_one_and_a_half_times_the_limit() {
    let _turn = TURN.lock().await;
    let exact = &[
        "Content-Type: application/octet-stream",
        "Content-Length: 26214400",
    ];
    let server = huge("200 OK", exact, Generated::new(b"", b"v", 26_214_400, b"")).await;
    let core = client(&server);
    let (peak, kind) = peak_of("25 MiB value, length announced", send(&core, put())).await;
    assert_eq!(kind, None);
    assert!(peak < 27 * MIB, "{peak}");

    let server = huge("200 OK", OCTETS, Generated::endless(b"v")).await;
    let core = client(&server);
    let (peak, kind) = peak_of("endless value", send(&core, put())).await;
    assert_eq!(kind, Some(ErrorKind::ResponseTooLarge));
    assert!(peak < 36 * MIB, "{peak}");
}

/// Error bodies are read to 1 MiB, and their items one at a time.
#[tokio::test]
async fn huge_error_bodies_cost_about_their_first_mib() {
    let _turn = TURN.lock().await;
    let message = br#"{"success":false,"errors":[{"code":10001,"message":""#;
    let body = Generated::new(message, b"a", HUNDRED_MB, b"\"}]}");
    let server = huge("400 Bad Request", JSON, body).await;
    let core = client(&server);
    let call = async { kv_runtime::decode_bytes(send(&core, put()).await?) };
    let (peak, kind) = peak_of("100 MB error message", call).await;
    assert_eq!(kind, Some(ErrorKind::Api));
    assert!(peak < 3 * MIB, "{peak}");

    let items = br#"{"success":false,"errors":["#;
    let item = br#"{"code":10000,"message":"error 12345 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"#;
    let body = Generated::new(items, item, HUNDRED_MB, b"{}]}");
    let server = huge("400 Bad Request", JSON, body).await;
    let core = client(&server);
    let call = async { kv_runtime::decode_bytes(send(&core, put()).await?) };
    let (peak, kind) = peak_of("100 MB of small errors", call).await;
    assert_eq!(kind, Some(ErrorKind::Api));
    assert!(peak < 3 * MIB, "{peak}");
}

/// A 2xx `success: false` envelope is decoded by `decode_json`, which parses the whole
/// body as a `serde_json::Value` first: 100,000 small errors (7.5 MB) cost that tree.
#[tokio::test]
async fn a_hundred_thousand_errors_in_a_2xx_cost_the_json_tree() {
    let _turn = TURN.lock().await;
    let item = br#"{"code":10000,"message":"error 12345 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"#;
    let total = (item.len() * 100_000) as u64;
    let body = Generated::new(br#"{"success":false,"errors":["#, item, total, b"{}]}");
    let server = huge("200 OK", JSON, body).await;
    let core = client(&server);
    let (peak, kind) = peak_of("100,000 errors in a 200", send_json(&core, put())).await;
    assert_eq!(kind, Some(ErrorKind::Api));
    assert!(peak < 96 * MIB, "{peak}");
}
