//! A fresh request's latency while 2,000 idle keep-alive connections are open against the
//! default 1,024 connection slots: each fresh client has to make room by evicting the
//! longest-idle connection. After each measured request one idle connection is opened again,
//! so the idle crowd stays at 2,000 for every sample.
//!
//! `cargo bench -p cloudflare-kv-mock --bench idle_connections`

use std::time::{Duration, Instant};

use cloudflare_kv_mock::MockServer;
use criterion::{criterion_group, criterion_main, Criterion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const IDLE: usize = 2_000;

/// One `PUT` on a new connection (`Connection: close`), read to the end.
async fn fresh_put(addr: std::net::SocketAddr) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = "PUT /client/v4/accounts/a/storage/kv/namespaces/n/values/k HTTP/1.1\r\n\
                   Host: localhost\r\nConnection: close\r\nAuthorization: Bearer mock-token\r\n\
                   Content-Length: 1\r\n\r\nv";
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    answer
}

fn idle_connections(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (server, mut idle) = runtime.block_on(async {
        let server = MockServer::start().await;
        let mut idle = Vec::with_capacity(IDLE);
        for _ in 0..IDLE {
            idle.push(TcpStream::connect(server.addr()).await.expect("connect"));
        }
        (server, idle)
    });
    let addr = server.addr();
    c.bench_function("fresh PUT with 2,000 idle connections open", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let answer = fresh_put(addr).await;
                    total += start.elapsed();
                    assert!(answer.starts_with(b"HTTP/1.1 200"), "not answered");
                    // Keep 2,000 idle: replace the oldest (the server closed it).
                    idle.remove(0);
                    idle.push(TcpStream::connect(addr).await.expect("connect"));
                }
                total
            })
        })
    });
    let stats = server.connection_stats();
    println!("connection stats after the run: {stats:?}");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = idle_connections
}
criterion_main!(benches);
