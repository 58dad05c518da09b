//! Name allocation under collisions: N names that map to one identifier (CJK enum values,
//! repeated property names) claimed in one scope, and a spec with an enum of N CJK values
//! generated end to end. Linear in N since claims remember their next free suffix (they were
//! quadratic: 8,000 CJK values took seconds).

#[path = "../examples/random_specs.rs"]
mod random_specs;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kv_codegen::phases::Scope;
use kv_codegen::{generate, Config};
use serde_json::json;

/// N claims of one name in one scope.
fn claims(c: &mut Criterion) {
    let mut group = c.benchmark_group("naming/colliding-claims");
    group.sample_size(10);
    for n in [1_000u64, 10_000, 100_000] {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let mut scope = Scope::default();
                (0..n).map(|_| scope.claim("Symbol").len()).sum::<usize>()
            })
        });
    }
    group.finish();
}

/// A spec whose one schema is an enum of N distinct CJK values, which all name `Symbol`.
fn cjk_enum(n: usize) -> String {
    let values: Vec<String> = (0..n).map(random_specs::cjk).collect();
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {
            "operationId": "get",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/e"}}}}},
        }}},
        "components": {"schemas": {"e": {"type": "string", "enum": values}}},
    })
    .to_string()
}

/// The spec of [`cjk_enum`] generated (plain printer: the pretty printer's own cost per
/// variant is not what this measures).
fn generate_cjk_enum(c: &mut Criterion) {
    let mut group = c.benchmark_group("naming/cjk-enum-generate");
    group.sample_size(10);
    let config = Config {
        pretty: false,
        ..Config::default()
    };
    for n in [1_000usize, 10_000, 100_000] {
        let text = cjk_enum(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| generate(text, &config).map(|o| o.code.len()).unwrap_or(0))
        });
    }
    group.finish();
}

criterion_group!(benches, claims, generate_cjk_enum);
criterion_main!(benches);
