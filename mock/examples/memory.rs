//! Memory check: resident memory of the mock before and after 200,000 small
//! writes to one key, then after ten rejected 30 MiB bodies.
//!
//! ```text
//! cargo run --release -p cloudflare-kv-mock --example memory
//! # against a running binary (memory is then that process's):
//! cargo run --release -p cloudflare-kv-mock --example memory -- --addr 127.0.0.1:8787 --pid 1234
//! ```

#[path = "support/mod.rs"]
mod support;

use bytes::Bytes;
use support::{number, value_path, Client, Target};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BIG: usize = 30 * 1024 * 1024;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let writes = number(&args, "--writes", 200_000);
    let target = Target::from_args(&args).await;
    println!("{}", target.describe());
    let before = target.memory_kib();
    let failures = small_writes(&target, writes).await;
    let after_writes = target.memory_kib();
    let mut rejected = 0;
    for _ in 0..10 {
        rejected += usize::from(big_rejected_write(&target).await);
    }
    let after_big = target.memory_kib();
    println!("RSS before:                          {:>8} KiB", before.0);
    println!(
        "RSS after {writes} small PUTs to one key: {:>8} KiB ({failures} failed)",
        after_writes.0
    );
    println!(
        "RSS after ten rejected 30 MiB PUTs:   {:>8} KiB ({rejected}/10 answered 413)",
        after_big.0
    );
    println!(
        "peak RSS (VmHWM):                     {:>8} KiB",
        after_big.1
    );
    if failures > 0 || rejected < 10 {
        std::process::exit(1);
    }
}

/// Small writes to one key over four keep-alive connections; returns failures.
async fn small_writes(target: &Target, writes: usize) -> usize {
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let addr = target.addr;
            tokio::spawn(async move {
                let mut conn = Client::connect(addr).await;
                let mut failed = 0;
                for n in 0..writes / 4 {
                    let value = Bytes::from(format!("small value {n}"));
                    failed += usize::from(
                        conn.send("PUT", &value_path("one-key"), value).await.status != 200,
                    );
                }
                failed
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        failed += task.await.expect("writer task");
    }
    failed
}

/// A 30 MiB raw value streamed from one reused 64 KiB buffer; true if answered 413.
async fn big_rejected_write(target: &Target) -> bool {
    let mut stream = TcpStream::connect(target.addr).await.expect("connect");
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-token\r\nConnection: close\r\nContent-Length: {BIG}\r\n\r\n",
        value_path("big")
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..BIG / chunk.len() {
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    answer.starts_with(b"HTTP/1.1 413")
}
