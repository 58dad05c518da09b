//! Spec text → formatted source, end to end: our spec, Cloudflare's 14 KV operations, a
//! synthetic document the size and shape of Cloudflare's whole API (1,500 operations, 3,700
//! schemas: `examples/synthetic_spec.rs`), each phase of that one alone, and the load guard's
//! cost per level of nesting around an invalid schema (linear, where it once doubled). The
//! phases include emitting and printing the crates layout (`--crates`). And the real documents
//! in `../shared` (skipped, with a note, where absent): Cloudflare's whole API in the crates
//! layout, GitHub's REST API and nexus as one module each, each reported once beforehand
//! (operations, lines, types, peak heap). `.ci/real-specs.sh` measures the same documents as a
//! user's process: CPU time, peak memory, and compiling the output.

#[path = "../examples/synthetic_spec.rs"]
mod synthetic_spec;

#[path = "../../tests/counting_alloc/mod.rs"]
mod counting_alloc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kv_codegen::{generate, Config};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn config(name: &str) -> Config {
    Config {
        source_name: name.to_owned(),
        ..Config::default()
    }
}

fn whole(c: &mut Criterion) {
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
    let synthetic = synthetic_spec::document(100).to_string();
    inputs.push(("synthetic-1500-operations", synthetic));
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let config = config(name);
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| generate(text, &config).map(|o| o.code.len()).unwrap_or(0))
        });
    }
    group.finish();
}

/// The phases of the synthetic document one by one: where the time goes.
fn phases(c: &mut Criterion) {
    let text = synthetic_spec::document(100).to_string();
    let config = config("synthetic");
    let mut group = c.benchmark_group("phases-1500-operations");
    group.sample_size(10);
    group.bench_function("load", |b| {
        b.iter(|| {
            let mut diags = kv_codegen::Diagnostics::default();
            kv_codegen::phases::load(&text, &mut diags).is_some()
        })
    });
    let mut diags = kv_codegen::Diagnostics::default();
    let Some(doc) = kv_codegen::phases::load(&text, &mut diags) else {
        return;
    };
    group.bench_function("lower", |b| {
        b.iter(|| {
            let mut diags = kv_codegen::Diagnostics::default();
            let (mut model, _) = kv_codegen::phases::lower(&doc, &[], &mut diags);
            kv_codegen::phases::merge_identical(&mut model.types)
        })
    });
    let (mut model, _) = kv_codegen::phases::lower(&doc, &[], &mut diags);
    kv_codegen::phases::merge_identical(&mut model.types);
    // Emitting and printing go part by part, on every core: one phase.
    for (name, printer) in [
        ("emit-and-print-pretty", kv_codegen::phases::Printer::Pretty),
        ("emit-and-print-plain", kv_codegen::phases::Printer::Plain),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                kv_codegen::phases::render(&model, &config, printer, String::new()).map(|s| s.len())
            })
        });
    }
    // The crates layout (`--crates`): the same parts, placed in 102 crates.
    let crates = kv_codegen::Crates::named("synthetic");
    group.bench_function("emit-and-print-crates-pretty", |b| {
        b.iter(|| {
            let printer = kv_codegen::phases::Printer::Pretty;
            kv_codegen::phases::render_crates(&model, &crates, printer, String::new())
                .map(|files| files.len())
        })
    });
    group.finish();
}

/// A document whose one schema nests `depth` `allOf`s around a value openapiv3 refuses.
fn nested(depth: usize) -> String {
    let schema = (0..depth).fold(
        json!({"type": "string", "maxLength": "bad"}),
        |inner, _| json!({"allOf": [inner]}),
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"deep": schema}},
    })
    .to_string()
}

/// Nested invalid schemas: the cost per level (it doubled per level before the load guard).
fn nesting(c: &mut Criterion) {
    let mut group = c.benchmark_group("nested-invalid-allOf");
    for depth in [10, 20, 30, 40, 50, 60] {
        let text = nested(depth);
        group.bench_with_input(BenchmarkId::from_parameter(depth), &text, |b, text| {
            b.iter(|| generate(text, &Config::default()).is_ok())
        });
    }
    group.finish();
}

/// The real documents: (benchmark name, path from the workspace, crates layout name).
const REAL: &[(&str, &str, Option<&str>)] = &[
    (
        "cloudflare-whole-api-crates",
        "../shared/cloudflare/cloudflare-openapi.json",
        Some("cloudflare-api"),
    ),
    ("github-module", "../shared/specs/github-api.json", None),
    ("nexus-module", "../shared/specs/nexus.json", None),
];

/// The real documents, generated as their users would.
fn real(c: &mut Criterion) {
    let mut group = c.benchmark_group("real-documents");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, path, crates) in REAL {
        let Ok(text) = std::fs::read_to_string(workspace().join(path)) else {
            eprintln!("{path} not found; the {name} benchmark is skipped");
            continue;
        };
        let config = Config {
            crates: crates.map(kv_codegen::Crates::named),
            ..config(path)
        };
        report(name, &text, &config);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| generate(text, &config).map(|o| o.types).unwrap_or(0))
        });
    }
    group.finish();
}

/// One generation of `text`, described: what it wrote, how long it took, its peak heap.
fn report(name: &str, text: &str, config: &Config) {
    let start = counting_alloc::LIVE.load(Ordering::Relaxed);
    counting_alloc::PEAK.store(start, Ordering::Relaxed);
    let clock = Instant::now();
    let output = match generate(text, config) {
        Ok(output) => output,
        Err(diags) => {
            eprintln!("{name}: refused with {} diagnostic(s)", diags.len());
            return;
        }
    };
    let elapsed = clock.elapsed();
    let peak = counting_alloc::PEAK
        .load(Ordering::Relaxed)
        .saturating_sub(start);
    let lines = output.code.lines().count()
        + output
            .files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .map(|f| f.contents.lines().count())
            .sum::<usize>();
    eprintln!(
        "{name}: {} operations generated, {} left out, {lines} lines, {} types; one run {:.2} s wall, {:.0} MB peak heap",
        output.operations,
        output.left_out.len(),
        output.types,
        elapsed.as_secs_f64(),
        peak as f64 / 1e6
    );
}

criterion_group!(benches, whole, phases, nesting, real);
criterion_main!(benches);
