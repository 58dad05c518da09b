//! Loading costs time in proportion to the text, whatever the text holds: ordinary YAML of
//! growing size, the same with an alias bomb at its end (refused by the expansion budget
//! once the expansion passes a fixed multiple of the text), and schemas nested as deep as
//! the JSON reader allows (the guard cuts them; only the deep operation is left out).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kv_codegen::diagnostics::Diagnostics;

/// An ordinary document of about `bytes` bytes: many small component schemas.
fn ordinary(bytes: usize) -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "    s{i}:\n      type: object\n      properties:\n        name: {{type: string, maxLength: 64}}\n        size: {{type: integer, minimum: 0}}\n"
        ));
        i += 1;
    }
    text
}

/// `ordinary(bytes)` followed by nine levels of aliases, each ten times the one before.
fn bombed(bytes: usize) -> String {
    let mut text = ordinary(bytes);
    text.push_str("x-bomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("  {name}: &{name} [{refs}]\n"));
        prev = name;
    }
    text
}

/// A JSON document whose one schema nests `depth` `allOf`s.
fn deep(depth: usize) -> String {
    let open = "{\"allOf\": [".repeat(depth);
    let close = "]}".repeat(depth);
    format!("{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"components\": {{\"schemas\": {{\"deep\": {open}{{\"type\": \"string\"}}{close}}}}}}}")
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for kib in [88, 300, 1024, 4096] {
        for (kind, text) in [
            ("ordinary", ordinary(kib << 10)),
            ("alias-bomb", bombed(kib << 10)),
        ] {
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(kind, format!("{kib}KiB")),
                &text,
                |b, text| {
                    b.iter(|| kv_codegen::load::load(text, &mut Diagnostics::default()).is_some())
                },
            );
        }
    }
    for depth in [20, 63, 150] {
        let text = deep(depth);
        group.bench_with_input(BenchmarkId::new("nested-allOf", depth), &text, |b, text| {
            b.iter(|| kv_codegen::load::load(text, &mut Diagnostics::default()).is_some())
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
