//! Load: 50 concurrent clients mixing writes, reads and key listings against the
//! mock for a fixed number of requests; checks that every answer is right and every
//! value reads back as written; prints requests/s, latency percentiles, peak RSS.
//!
//! ```text
//! cargo run --release -p cloudflare-kv-mock --example load
//! cargo run --release -p cloudflare-kv-mock --example load -- --clients 50 --requests 4000
//! # against a running binary (memory is then that process's):
//! cargo run --release -p cloudflare-kv-mock --example load -- --addr 127.0.0.1:8787 --pid 1234
//! ```

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use support::{keys_path, number, value_path, Client, Target};

/// What one client saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: usize,
    mismatches: usize,
    reads: usize,
    lists: usize,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let clients = number(&args, "--clients", 50);
    let requests = number(&args, "--requests", 4_000);
    let target = Target::from_args(&args).await;
    println!("{}", target.describe());
    println!("{clients} clients x {requests} requests (40% writes, 40% reads, 20% lists)");
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|id| tokio::spawn(client(target.addr, id, requests)))
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await.expect("client task");
        total.latencies.extend(tally.latencies);
        total.errors += tally.errors;
        total.mismatches += tally.mismatches;
        total.reads += tally.reads;
        total.lists += tally.lists;
    }
    report(&target, &mut total, started.elapsed());
    if total.errors + total.mismatches > 0 {
        std::process::exit(1);
    }
}

/// One client: its own keys, so it knows what each read must return.
async fn client(addr: std::net::SocketAddr, id: usize, requests: usize) -> Tally {
    let mut conn = Client::connect(addr).await;
    let mut written: BTreeMap<String, Bytes> = BTreeMap::new();
    let mut tally = Tally::default();
    for n in 0..requests {
        let key = format!("c{id:02}-k{:03}", (n * 7919) % 200);
        let began = Instant::now();
        match n % 5 {
            0 | 1 => {
                let value = Bytes::from(format!("value {id} {n} {}", "x".repeat(n % 64)));
                let answer = conn.send("PUT", &value_path(&key), value.clone()).await;
                tally.errors += usize::from(answer.status != 200);
                written.insert(key, value);
            }
            2 | 3 => {
                let answer = conn.send("GET", &value_path(&key), Bytes::new()).await;
                check_read(&mut tally, written.get(&key), answer.status, &answer.body);
            }
            _ => {
                let query = format!("prefix=c{id:02}-&limit={}", 10 + n % 90);
                let answer = conn.send("GET", &keys_path(&query), Bytes::new()).await;
                check_list(
                    &mut tally,
                    &written,
                    answer.status,
                    &answer.body,
                    10 + n % 90,
                );
            }
        }
        tally.latencies.push(began.elapsed());
    }
    tally
}

/// A read must return what this client last wrote, or 404 before any write.
fn check_read(tally: &mut Tally, expected: Option<&Bytes>, status: u16, body: &Bytes) {
    tally.reads += 1;
    match (expected, status) {
        (Some(value), 200) => tally.mismatches += usize::from(value != body),
        (None, 404) => {}
        _ => tally.errors += 1,
    }
}

/// A listing must show the first `limit` of this client's keys, in order.
fn check_list(
    tally: &mut Tally,
    written: &BTreeMap<String, Bytes>,
    status: u16,
    body: &Bytes,
    limit: usize,
) {
    tally.lists += 1;
    if status != 200 {
        tally.errors += 1;
        return;
    }
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let names: Vec<&str> = json["result"]
        .as_array()
        .map(|keys| keys.iter().filter_map(|k| k["name"].as_str()).collect())
        .unwrap_or_default();
    let expected: Vec<&str> = written.keys().take(limit).map(String::as_str).collect();
    tally.mismatches += usize::from(names != expected);
}

fn report(target: &Target, total: &mut Tally, elapsed: Duration) {
    total.latencies.sort();
    let count = total.latencies.len();
    let at = |q: f64| {
        let i = ((count as f64 * q).ceil() as usize).clamp(1, count.max(1)) - 1;
        total.latencies.get(i).copied().unwrap_or_default()
    };
    let (rss, peak) = target.memory_kib();
    println!(
        "requests:   {count} ({} reads, {} lists checked)",
        total.reads, total.lists
    );
    println!("errors:     {}", total.errors);
    println!("mismatches: {}", total.mismatches);
    println!("elapsed:    {:.2} s", elapsed.as_secs_f64());
    println!(
        "throughput: {:.0} requests/s",
        count as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency:    p50 {} us, p99 {} us, max {} us",
        support::micros(at(0.50)),
        support::micros(at(0.99)),
        support::micros(at(1.0))
    );
    println!("memory:     RSS {rss} KiB, peak RSS (VmHWM) {peak} KiB");
}
