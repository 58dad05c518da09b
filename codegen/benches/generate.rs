//! Spec text → formatted source, end to end: our spec, Cloudflare's 14 KV operations, and a
//! synthetic document of 1,500 operations (the size of Cloudflare's whole API).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kv_codegen::{generate, Config};
use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Our spec with its one path repeated under `n` distinct prefixes and operation ids.
fn synthetic(n: usize) -> String {
    let spec =
        std::fs::read_to_string(workspace().join("spec/cloudflare-kv.yaml")).unwrap_or_default();
    let (head, rest) = spec.split_once("paths:\n").unwrap_or_default();
    let (path_block, components) = rest.split_once("components:\n").unwrap_or_default();
    let mut out = format!("{head}paths:\n");
    for i in 0..n {
        let block = path_block
            .replace("  /accounts/", &format!("  /r{i}/accounts/"))
            .replace(
                "operationId: update-value",
                &format!("operationId: update-value-{i}"),
            )
            .replace(
                "x-kv-resource: kv.namespaces.values",
                &format!("x-kv-resource: r{i}.values"),
            );
        out.push_str(&block);
    }
    out.push_str("components:\n");
    out.push_str(components);
    out
}

fn bench(c: &mut Criterion) {
    let mut inputs = Vec::new();
    if let Ok(text) = std::fs::read_to_string(workspace().join("spec/cloudflare-kv.yaml")) {
        inputs.push(("spec/cloudflare-kv.yaml", text));
    }
    match std::fs::read_to_string(workspace().join("../shared/cloudflare/kv-all.yaml")) {
        Ok(text) => inputs.push(("cloudflare/kv-all.yaml", text)),
        Err(_) => {
            eprintln!("../shared/cloudflare/kv-all.yaml not found; benchmarking our spec only")
        }
    }
    inputs.push(("synthetic-1500-operations", synthetic(1500)));
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let config = Config {
            source_name: (*name).to_owned(),
            ..Config::default()
        };
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| generate(text, &config).map(|o| o.code.len()).unwrap_or(0))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
