//! Generates the client from `spec/todo.yaml` into `OUT_DIR/todo.rs` on every build where
//! the spec changed: the README's "Your own API" recipe, with the generator's warnings passed
//! on as cargo warnings.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "spec/todo.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    let spec = Path::new(SPEC);
    let config = kv_codegen::Config {
        source_name: kv_codegen::source_name(spec),
        // Generated code names the runtime by this path (a dependency of this crate).
        runtime_path: "kv_runtime".to_owned(),
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
        let line = warning.to_string().replace('\n', " ");
        println!("cargo:warning={SPEC}: {line}");
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; build.rs runs under cargo only");
        return ExitCode::FAILURE;
    };
    let target = out_dir.join(kv_codegen::output_file_name(spec));
    if let Err(err) = kv_codegen::write_if_changed(&target, &output.code) {
        eprintln!("error: cannot write {}: {err}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
