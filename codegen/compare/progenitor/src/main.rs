//! `progenitor-generate SPEC OUT`: what progenitor's build-script path does for one document
//! (read it, `Generator::generate_tokens`, `syn::parse2` and `prettyplease::unparse`, write
//! the module), as one process, so that `codegen/compare/progenitor.sh` can time it beside
//! `kv-codegen generate` on the same spec.
//!
//! Prints `OUT: N lines, M methods` on success (methods: the `pub async fn`s of the client,
//! one per operation in progenitor's default positional style). Exit status 1 when the spec
//! cannot be read or progenitor returns an error, 3 when progenitor panics (the message is
//! printed as well), 2 on a usage error.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, out) = match args.as_slice() {
        [spec, out] => (Path::new(spec), Path::new(out)),
        _ => {
            eprintln!("usage: progenitor-generate SPEC.{{json,yaml}} OUT.rs");
            return ExitCode::from(2);
        }
    };
    // Progenitor panics on some specs; catch it so that the script can tell a panic from a
    // refusal (the default hook has printed the message and location already).
    match std::panic::catch_unwind(|| run(spec, out)) {
        Ok(Ok(report)) => {
            println!("{}: {report}", out.display());
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => {
            eprintln!("progenitor-generate: {message}");
            ExitCode::from(1)
        }
        Err(_) => {
            eprintln!(
                "progenitor-generate: progenitor panicked on {}",
                spec.display()
            );
            ExitCode::from(3)
        }
    }
}

/// Generates `out` from `spec`; returns the lines-and-methods summary.
fn run(spec: &Path, out: &Path) -> Result<String, String> {
    let document = load(spec)?;
    let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
    let tokens = generator
        .generate_tokens(&document)
        .map_err(|e| format!("progenitor refused {}: {e}", spec.display()))?;
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    std::fs::write(out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let methods = text
        .lines()
        .filter(|l| l.trim_start().starts_with("pub async fn "))
        .count();
    Ok(format!("{} lines, {methods} methods", text.lines().count()))
}

/// Reads an OpenAPI document, JSON or YAML by its extension (as cargo-progenitor does).
fn load(spec: &Path) -> Result<openapiv3::OpenAPI, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let yaml = matches!(
        spec.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    if yaml {
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))
    } else {
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))
    }
}
