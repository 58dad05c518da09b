//! Regenerates the SDK module from `spec/` into `OUT_DIR` whenever a spec file changes.
//!
//! The file is rewritten only when its content changes, so an untouched spec recompiles
//! nothing. A broken spec fails the build with every diagnostic the generator found.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "spec/cloudflare-kv.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=spec");
    for file in spec_files(Path::new("spec")) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; build.rs runs under cargo only");
        return ExitCode::FAILURE;
    };
    let spec = Path::new(SPEC);
    let config = kv_codegen::Config {
        source_name: kv_codegen::source_name(spec),
        ..Default::default()
    };
    let output = match kv_codegen::generate_file(spec, &config) {
        Ok(output) => output,
        Err(diags) => {
            eprintln!("{SPEC}: the specification has errors:");
            eprint!("{}", kv_codegen::diagnostics::render(&diags));
            return ExitCode::FAILURE;
        }
    };
    for warning in &output.warnings {
        println!(
            "cargo:warning={SPEC}: {}",
            warning.to_string().replace('\n', " ")
        );
    }
    let target = out_dir.join(kv_codegen::output_file_name(spec));
    if let Err(err) = kv_codegen::write_if_changed(&target, &output.code) {
        eprintln!("error: cannot write {}: {err}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
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
