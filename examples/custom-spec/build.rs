// build.rs: generates the client from spec/todo.yaml into OUT_DIR/todo.rs whenever the spec
// changes. A spec the generator cannot generate whole fails the build with every diagnostic.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "spec/todo.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    let spec = Path::new(SPEC);
    let config = kv_codegen::Config {
        source_name: kv_codegen::source_name(spec),
        // The defaults: the runtime is reached as `kv_runtime` (a dependency of this crate),
        // and an operation that cannot be generated fails the build (`allow_partial: true`
        // would generate the rest and list what it left out, as warnings).
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
    for diagnostic in &output.diagnostics {
        let line = diagnostic.to_string().replace('\n', " ");
        println!("cargo:warning={SPEC}: {line}");
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; build.rs runs under cargo only");
        return ExitCode::FAILURE;
    };
    let target = out_dir.join(kv_codegen::output_file_name(spec)); // todo.rs
    if let Err(err) = kv_codegen::write_if_changed(&target, &output.code) {
        eprintln!("error: cannot write {}: {err}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
