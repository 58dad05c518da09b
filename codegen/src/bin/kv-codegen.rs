//! `kv-codegen generate|check [SPEC] [-o DIR]`: write or verify the generated SDK module.

use clap::{Parser, Subcommand};
use kv_codegen::{diagnostics, Config};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

// Generation allocates and frees millions of small token vectors, from several threads;
// glibc's allocator spent a third of the run on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// OpenAPI 3.0 → Rust SDK module generator.
///
/// Reads an OpenAPI 3.0.x document and writes one formatted Rust module: a `Client`, one
/// method per operation, and a type per schema, calling the `kv-runtime` crate at run time.
#[derive(Parser)]
#[command(name = "kv-codegen", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Exit status of both commands, shown under their `--help`.
const EXIT_STATUS: &str = "Exit status: 0 on success; 1 when `check` finds DIR stale; 2 when \
the spec has errors (each printed with its JSON pointer) or a file cannot be read or written. \
Warnings are printed and do not change the status.";

#[derive(Subcommand)]
enum Command {
    /// Generate the module for SPEC into DIR (written only if its content changed).
    #[command(after_help = EXIT_STATUS)]
    Generate(Args),
    /// Exit 1 if DIR does not hold exactly what SPEC generates (CI: `generated/` is fresh).
    #[command(after_help = EXIT_STATUS)]
    Check(Args),
}

#[derive(clap::Args)]
struct Args {
    /// The OpenAPI 3.0.x document to read, YAML or JSON (told apart by its content).
    #[arg(default_value = "spec/cloudflare-kv.yaml", value_name = "SPEC")]
    spec: PathBuf,
    /// The directory the module is written to (`generate`) or compared with (`check`); the
    /// file is named after SPEC: `cloudflare-kv.yaml` → `DIR/cloudflare_kv.rs`.
    #[arg(
        short = 'o',
        long = "out",
        default_value = "generated",
        value_name = "DIR"
    )]
    out: PathBuf,
    /// A path parameter that falls back to a value set on the client (repeatable), as if it
    /// carried `x-kv-client-default: true`; e.g. `--client-default account_id`. The client
    /// then gets a `ClientBuilderExt` setter and reads `<PREFIX>_<NAME>` in `from_env`.
    #[arg(long = "client-default", value_name = "NAME")]
    client_defaults: Vec<String>,
    /// Put `#[cfg(feature = "<group>")]` on each resource group's module, so that the crate
    /// using the output compiles only the groups it enables.
    #[arg(long = "group-features")]
    group_features: bool,
    /// Fail (exit 2) when any operation would be left out, instead of generating the rest.
    #[arg(long)]
    strict: bool,
    /// The prefix of the environment variables the generated client reads
    /// (`<PREFIX>_API_TOKEN`, `<PREFIX>_EMAIL`, `<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`, and
    /// `<PREFIX>_<NAME>` per client default). Replaces the spec's `info.x-kv-env-prefix`, else
    /// the first word of `info.title` (`Todo API` → `TODO`). Upper-case ASCII letters,
    /// digits and `_`, starting with a letter.
    #[arg(long = "env-prefix", value_name = "PREFIX")]
    env_prefix: Option<String>,
    /// The Rust path generated code reaches the runtime by: the `kv-runtime` crate under the
    /// name your crate gives it, or a re-export such as `my_sdk::runtime`.
    #[arg(
        long = "runtime-path",
        value_name = "PATH",
        default_value = "kv_runtime"
    )]
    runtime_path: String,
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
        group_features: args.group_features,
        strict: args.strict,
        env_prefix: args.env_prefix.clone(),
        runtime_path: args.runtime_path.clone(),
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

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// `--help` of every command documents every option and argument.
    #[test]
    fn every_option_is_documented() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        for command in cli.get_subcommands() {
            assert!(command.get_after_help().is_some(), "{}", command.get_name());
            for arg in command.get_arguments() {
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(
                    help.len() > 20,
                    "`{} {}` has no help",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
