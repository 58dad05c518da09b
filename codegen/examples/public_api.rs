//! Compares the public API (and the code) of an SDK generated from SPEC with a checked-in
//! module, item by item (see `tests/support/public_api.rs` for what an item is):
//!
//! ```text
//! cargo run -p kv-codegen --example public_api -- SPEC [--include SEL]... [--overlay FILE]... \
//!     --expected MODULE.rs [--allow FILE]
//! cargo run -p kv-codegen --example public_api -- --list MODULE.rs
//! ```
//!
//! Exit status 0 when the differences are exactly those of the allow-list (none without
//! one), 1 otherwise, 2 when SPEC does not generate or a file cannot be read. CI runs it on
//! Cloudflare's whole API with the release build (`.ci/cloudflare-overlay.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../tests/support/public_api.rs"]
mod public_api;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Default)]
struct Args {
    spec: Option<PathBuf>,
    include: Vec<String>,
    overlays: Vec<PathBuf>,
    expected: Option<PathBuf>,
    allow: Option<PathBuf>,
    list: Option<PathBuf>,
}

fn parse() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--include" => args.include.push(value()?),
            "--overlay" => args.overlays.push(value()?.into()),
            "--expected" => args.expected = Some(value()?.into()),
            "--allow" => args.allow = Some(value()?.into()),
            "--list" => args.list = Some(value()?.into()),
            _ if args.spec.is_none() && !arg.starts_with('-') => args.spec = Some(arg.into()),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    Ok(args)
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let args = parse()?;
    if let Some(module) = &args.list {
        for (key, value) in public_api::listing(&read(module)?)? {
            println!("{key}\n    {value}");
        }
        return Ok(true);
    }
    let usage = "usage: public_api SPEC [--include SEL]... [--overlay FILE]... --expected MODULE.rs [--allow FILE]";
    let (Some(spec), Some(expected)) = (&args.spec, &args.expected) else {
        return Err(usage.to_owned());
    };
    let config = kv_codegen::Config {
        include: args.include.clone(),
        overlays: args.overlays.clone(),
        ..Default::default()
    };
    let started = Instant::now();
    let output = kv_codegen::generate_file(spec, &config).map_err(|d| {
        format!(
            "{}:\n{}",
            spec.display(),
            kv_codegen::diagnostics::render(&d)
        )
    })?;
    for diagnostic in &output.diagnostics {
        eprintln!("{}: {diagnostic}", spec.display());
    }
    println!(
        "generated {} operation(s), {} type(s) from {} in {} ms",
        output.operations,
        output.types,
        spec.display(),
        started.elapsed().as_millis()
    );
    let ours = public_api::listing(&read(expected)?)?;
    let theirs = public_api::listing(&output.code)?;
    let differences = public_api::compare(&ours, &theirs);
    let allow = match &args.allow {
        Some(path) => read(path)?,
        None => String::new(),
    };
    println!(
        "{} item(s) in {}, {} difference(s)",
        ours.len(),
        expected.display(),
        differences.len()
    );
    match public_api::check_allowed(&ours, &theirs, &differences, &allow) {
        Ok(()) => {
            for difference in &differences {
                println!("allowed: {}", difference.line());
            }
            Ok(true)
        }
        Err(text) => {
            eprint!("{text}");
            Ok(false)
        }
    }
}
