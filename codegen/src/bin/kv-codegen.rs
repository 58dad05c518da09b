//! `kv-codegen generate|check [SPEC] [-o DIR]`: write or verify the generated SDK module.

use clap::{Parser, Subcommand};
use kv_codegen::{diagnostics, Config};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// OpenAPI 3.0 → Rust SDK module generator.
#[derive(Parser)]
#[command(name = "kv-codegen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the module for SPEC into DIR (written only if its content changed).
    Generate(Args),
    /// Exit 1 if DIR does not hold exactly what SPEC generates.
    Check(Args),
}

#[derive(clap::Args)]
struct Args {
    /// The OpenAPI 3.0 document (YAML or JSON).
    #[arg(default_value = "spec/cloudflare-kv.yaml")]
    spec: PathBuf,
    /// The output directory.
    #[arg(short = 'o', long = "out", default_value = "generated")]
    out: PathBuf,
    /// A path parameter that falls back to a value set on the client (repeatable), as if it
    /// carried `x-kv-client-default: true`; e.g. `--client-default account_id`.
    #[arg(long = "client-default", value_name = "NAME")]
    client_defaults: Vec<String>,
    /// Fail (exit 2) when any operation would be left out, instead of generating the rest.
    #[arg(long)]
    strict: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate(args) => generate(&args),
        Command::Check(args) => check(&args),
    }
}

/// Runs the generator, printing warnings; on errors prints every diagnostic and returns `None`.
fn run(args: &Args) -> Option<kv_codegen::Output> {
    let spec = args.spec.as_path();
    let config = Config {
        source_name: kv_codegen::source_name(spec),
        client_defaults: args.client_defaults.clone(),
        strict: args.strict,
        ..Config::default()
    };
    match kv_codegen::generate_file(spec, &config) {
        Ok(output) => {
            for diagnostic in &output.diagnostics {
                eprintln!("{}: {diagnostic}", spec.display());
            }
            Some(output)
        }
        Err(diags) => {
            eprint!("{}", prefixed(spec, &diagnostics::render(&diags)));
            None
        }
    }
}

fn prefixed(spec: &Path, text: &str) -> String {
    format!("{}:\n{text}", spec.display())
}

fn generate(args: &Args) -> ExitCode {
    let started = Instant::now();
    let Some(output) = run(args) else {
        return ExitCode::from(2);
    };
    let target = args.out.join(kv_codegen::output_file_name(&args.spec));
    let written = match kv_codegen::write_if_changed(&target, &output.code) {
        Ok(written) => written,
        Err(err) => {
            eprintln!("error: cannot write {}: {err}", target.display());
            return ExitCode::from(2);
        }
    };
    let state = if written { "wrote" } else { "unchanged" };
    println!(
        "{state} {}: {} operation(s) generated, {} left out, {} type(s), {} ms",
        target.display(),
        output.operations,
        output.left_out.len(),
        output.types,
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

fn check(args: &Args) -> ExitCode {
    let Some(output) = run(args) else {
        return ExitCode::from(2);
    };
    let target = args.out.join(kv_codegen::output_file_name(&args.spec));
    let current = std::fs::read_to_string(&target).unwrap_or_default();
    match kv_codegen::first_difference(&current, &output.code) {
        None => {
            println!(
                "{} is up to date with {}",
                target.display(),
                args.spec.display()
            );
            ExitCode::SUCCESS
        }
        Some(line) => {
            eprintln!(
                "{} is stale: it differs from a fresh generation of {} at line {line}; run `cargo run -p kv-codegen -- generate`",
                target.display(),
                args.spec.display()
            );
            ExitCode::from(1)
        }
    }
}
