//! The SDK's build script: puts the module that `src/lib.rs` includes into `OUT_DIR`.
//!
//! With the `codegen` feature (the default) it regenerates that module from `spec/` whenever a
//! spec file changes, so editing the spec and running `cargo build` is all it takes; a broken
//! spec fails the build with every diagnostic the generator found. Without the feature the
//! generator is not compiled at all: the checked-in `generated/` module is used, after
//! checking that `spec/` is the text it was generated from (the spec hash in its header), so
//! an edited spec fails loudly instead of being ignored.
//!
//! The file is rewritten only when its content changes, so an untouched spec recompiles
//! nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[cfg(not(feature = "codegen"))]
#[path = "build/spec_hash.rs"]
mod spec_hash;

const SPEC: &str = "spec/cloudflare-kv.yaml";
/// The checked-in copy of the generated module.
#[cfg(not(feature = "codegen"))]
const GENERATED: &str = "generated/cloudflare_kv.rs";
/// The file `src/lib.rs` includes from `OUT_DIR`.
const MODULE: &str = "cloudflare_kv.rs";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=spec");
    for file in spec_files(Path::new("spec")) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; build.rs runs under cargo only");
        return ExitCode::FAILURE;
    };
    let code = match module() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let target = out_dir.join(MODULE);
    if let Err(err) = write_if_changed(&target, &code) {
        eprintln!("error: cannot write {}: {err}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The module generated from `spec/` now (warnings become cargo warnings).
#[cfg(feature = "codegen")]
fn module() -> Result<String, String> {
    let spec = Path::new(SPEC);
    // Any left-out operation fails the build (the default). Plain: OUT_DIR is read by the
    // compiler only (the pretty copy is generated/).
    let config = kv_codegen::Config {
        source_name: kv_codegen::source_name(spec),
        // As our spec marks it (`x-kv-client-default`), so that Cloudflare's own description,
        // dropped in place of ours, gives the same `ClientBuilderExt::account_id` (the
        // prelude re-exports it).
        client_defaults: vec!["account_id".to_owned()],
        pretty: false,
        ..Default::default()
    };
    let output = kv_codegen::generate_file(spec, &config).map_err(|diags| {
        let rendered = kv_codegen::diagnostics::render(&diags);
        format!("{SPEC}: the specification has errors:\n{rendered}")
    })?;
    // A spec over several files: every file it read (those under spec/ are listed already).
    for file in &output.sources {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    for warning in &output.warnings {
        let line = warning.to_string().replace('\n', " ");
        println!("cargo:warning={SPEC}: {line}");
    }
    Ok(output.code)
}

/// The checked-in module, if it was generated from the `spec/` of this checkout.
#[cfg(not(feature = "codegen"))]
fn module() -> Result<String, String> {
    println!("cargo:rerun-if-changed={GENERATED}");
    let read_error = |path: &str, err: std::io::Error| format!("error: cannot read {path}: {err}");
    let spec = std::fs::read(SPEC).map_err(|e| read_error(SPEC, e))?;
    let code = std::fs::read_to_string(GENERATED).map_err(|e| read_error(GENERATED, e))?;
    let expected = spec_hash::spec_hash(&spec);
    match spec_hash::recorded_hash(&code) {
        Some(recorded) if recorded == expected => Ok(code),
        recorded => Err(format!(
            "error: {SPEC} is not the specification {GENERATED} was generated from (the spec hashes to {expected}, the module records {}).\n\
             Without the `codegen` feature the checked-in module is compiled as it is, so a spec edit would be ignored:\n\
             build with the `codegen` feature (on by default) to generate from {SPEC}, or run `cargo run -p kv-codegen -- generate {SPEC}` to refresh {GENERATED}.",
            recorded.unwrap_or("no hash")
        )),
    }
}

/// Writes `contents` unless `path` already holds exactly that, so that timestamps (and
/// therefore rebuilds) only move when the module does.
fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, contents)
}

/// Every file under `dir`, sorted, so cargo reruns this script when any of them changes.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(spec_files(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}
