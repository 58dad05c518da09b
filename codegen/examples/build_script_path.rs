//! Times one generation the way a build script runs it: `cargo run -p kv-codegen --example
//! build_script_path -- SPEC [--pretty]` (the dev profile, as build scripts are built, unless
//! `[profile.dev.build-override]` says otherwise) prints the milliseconds, the lines written,
//! and how many operations were generated and left out. Without `--pretty` the module is
//! printed plainly (`Config::pretty = false`), as a build script may.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let spec = args
        .next()
        .expect("usage: build_script_path SPEC [--pretty]");
    let pretty = args.next().as_deref() == Some("--pretty");
    let text = std::fs::read_to_string(&spec).expect("read the spec");
    let config = kv_codegen::Config {
        source_name: kv_codegen::source_name(std::path::Path::new(&spec)),
        pretty,
        allow_partial: true,
        ..Default::default()
    };
    let started = Instant::now();
    let output = kv_codegen::generate(&text, &config);
    let elapsed = started.elapsed().as_millis();
    match output {
        Ok(output) => println!(
            "{spec}: {elapsed} ms, {} lines, {} operation(s) generated, {} left out (pretty: {pretty})",
            output.code.lines().count(),
            output.operations,
            output.left_out.len()
        ),
        Err(diags) => println!("{spec}: refused in {elapsed} ms with {} diagnostics", diags.len()),
    }
}
