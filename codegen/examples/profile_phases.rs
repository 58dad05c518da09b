//! Where generation time goes, phase by phase, on one spec:
//!
//! ```sh
//! cargo run --release -p kv-codegen --example profile_phases -- SPEC [CRATES_NAME]
//! ```
//!
//! Loads SPEC (parse, bundle, normalise, the guard and openapiv3's model), lowers it to the
//! generator's model (identical types merged), then emits and prints it: one module, or with
//! CRATES_NAME the crates layout. Each phase runs `RUNS` times (default 3; environment) and
//! the median wall time is printed, with the share of the total. Emitting and printing run on every core, so their
//! wall time is less than their CPU time on a machine with more than one.

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: profile_phases SPEC [CRATES_NAME]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("cannot read {path}: {err}");
            std::process::exit(1);
        }
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let mut diags = kv_codegen::Diagnostics::default();
    let (load, doc) = median(runs, || kv_codegen::phases::load(&text, &mut diags));
    let Some(doc) = doc else {
        eprintln!(
            "{path} does not load:\n{}",
            kv_codegen::diagnostics::render(diags.items())
        );
        std::process::exit(1);
    };
    let (lower, (model, _)) = median(runs, || {
        let mut diags = kv_codegen::Diagnostics::default();
        let (mut model, left_out) = kv_codegen::phases::lower(&doc, &[], &mut diags);
        kv_codegen::phases::merge_identical(&mut model.types);
        (model, left_out)
    });
    let printer = kv_codegen::phases::Printer::Pretty;
    let (emit, lines) = match args.get(1) {
        Some(name) => {
            let crates = kv_codegen::Crates::named(name);
            median(runs, || {
                let files =
                    kv_codegen::phases::render_crates(&model, &crates, printer, String::new());
                files.map_or(0, |files| {
                    files.iter().map(|f| f.contents.lines().count()).sum()
                })
            })
        }
        None => {
            let config = kv_codegen::Config::default();
            median(runs, || {
                let code = kv_codegen::phases::render(&model, &config, printer, String::new());
                code.map_or(0, |code| code.lines().count())
            })
        }
    };
    let total = load + lower + emit;
    println!(
        "{path}: {} types, {lines} lines; medians of {runs} run(s)",
        model.types.len()
    );
    for (phase, time) in [("load", load), ("lower", lower), ("emit and print", emit)] {
        println!(
            "  {phase:<15} {:>8.3} s  {:>5.1} %",
            time.as_secs_f64(),
            100.0 * time.as_secs_f64() / total.as_secs_f64().max(f64::EPSILON)
        );
    }
}

/// The median time of `runs` runs of `f` (at least one), and the last run's result.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let mut last = f();
    let mut times = vec![start.elapsed()];
    for _ in 1..runs {
        let start = Instant::now();
        last = f();
        times.push(start.elapsed());
    }
    times.sort();
    let middle = times.get(times.len() / 2).copied().unwrap_or_default();
    (middle, last)
}
