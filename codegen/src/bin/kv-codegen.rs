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

/// From this many operations, `generate` suggests the crates layout.
const LARGE_MODULE: usize = 500;

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
    /// using the output compiles only the groups it enables. (With `--crates` each group is
    /// a crate behind a feature anyway.)
    #[arg(long = "group-features", conflicts_with = "crates")]
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
    /// name your crate gives it, or a re-export such as `my_sdk::runtime`. (With `--crates`
    /// the crates' manifests name it: `kv_runtime`.)
    #[arg(
        long = "runtime-path",
        value_name = "PATH",
        default_value = "kv_runtime",
        conflicts_with = "crates"
    )]
    runtime_path: String,
    /// Write the crates layout instead of one module: DIR gets a workspace of crates, NAME
    /// (the crate users depend on: the client, `types`, each group as a module behind a
    /// feature of its name), NAME-types (the types several groups share) and NAME-<group>
    /// per group, which cargo compiles side by side. For APIs too large for one crate.
    #[arg(long = "crates", value_name = "NAME")]
    crates: Option<String>,
    /// With `--crates`: the version of every crate written.
    #[arg(
        long = "crate-version",
        value_name = "VERSION",
        default_value = "0.1.0",
        requires = "crates"
    )]
    crate_version: String,
    /// With `--crates`: depend on `kv-runtime` at this path (relative to DIR, or absolute)
    /// instead of on its crates.io release matching this generator.
    #[arg(
        long = "runtime-dependency-path",
        value_name = "PATH",
        requires = "crates"
    )]
    runtime_dependency_path: Option<String>,
    /// With `--crates`: no workspace manifest in DIR, for crates that are members of your
    /// own workspace.
    #[arg(long = "no-workspace", requires = "crates")]
    no_workspace: bool,
    /// Generate only the operations SELECTOR matches (repeatable: any of them), and the
    /// schemas they reach: `tag:NAME`, `path:GLOB` (`*` within one segment, `**` across
    /// segments, `?` one character; `{braces}` are literal) or `operation:ID`. E.g.
    /// `--include 'path:/accounts/{account_id}/storage/kv/**'`.
    #[arg(long = "include", value_name = "SELECTOR")]
    include: Vec<String>,
    /// Leave out the operations SELECTOR matches, even when `--include` selects them
    /// (repeatable; same forms as `--include`).
    #[arg(long = "exclude", value_name = "SELECTOR")]
    exclude: Vec<String>,
    /// Apply an OpenAPI Overlay document (1.0 or 1.1, YAML or JSON) to SPEC after the
    /// selection and before generation (repeatable: applied in order). A path relative to
    /// the current directory.
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
}

impl Args {
    /// The crates layout asked for, if any.
    fn crates(&self) -> Option<kv_codegen::Crates> {
        let name = self.crates.as_deref()?;
        let mut crates = kv_codegen::Crates::named(name);
        crates.version = self.crate_version.clone();
        crates.workspace = !self.no_workspace;
        if let Some(path) = &self.runtime_dependency_path {
            crates.runtime = kv_codegen::RuntimeDependency::Path(path.clone());
        }
        Some(crates)
    }

    /// What generation writes: (path under DIR, text) per file.
    fn files<'o>(&self, output: &'o kv_codegen::Output) -> Vec<(PathBuf, &'o str)> {
        if self.crates.is_some() {
            let files = output.files.iter();
            files
                .map(|f| (self.out.join(&f.path), f.contents.as_str()))
                .collect()
        } else {
            let target = self.out.join(kv_codegen::output_file_name(&self.spec));
            vec![(target, output.code.as_str())]
        }
    }
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
        crates: args.crates(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        overlays: args.overlays.clone(),
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
    let (operations, left_out, types) = (output.operations, output.left_out.len(), output.types);
    if args.crates.is_none() && operations >= LARGE_MODULE {
        eprintln!(
            "note: {operations} operations in one module: rustc holds a crate whole, so compiling it \
             takes gigabytes of memory; `--crates NAME` writes a crate per group instead, which \
             cargo compiles side by side"
        );
    }
    let files = args.files(&output);
    let mut written = 0;
    for (target, contents) in &files {
        match kv_codegen::write_if_changed(target, contents) {
            Ok(true) => written += 1,
            Ok(false) => {}
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", target.display());
                return ExitCode::from(2);
            }
        }
    }
    // A group gone from the spec: its crate goes too, or a workspace listing `DIR/*` would
    // still build it against types that moved.
    for dir in stale(args, &output.files) {
        if let Err(err) = kv_codegen::remove_stale_crate(&dir) {
            eprintln!("error: cannot remove {}: {err}", dir.display());
            return ExitCode::from(2);
        }
        println!("removed {}, a crate no longer generated", dir.display());
        written += 1;
    }
    let state = if written > 0 { "wrote" } else { "unchanged" };
    let what = match (&args.crates, files.as_slice()) {
        (None, [(target, _)]) => target.display().to_string(),
        _ => format!(
            "{} ({} file(s), {written} changed)",
            args.out.display(),
            files.len()
        ),
    };
    let selected = match output.selected {
        Some(s) => format!("{} of {} operations selected, ", s.operations, s.total),
        None => String::new(),
    };
    println!(
        "{state} {what}: {selected}{operations} operation(s) generated, {left_out} left out, {types} type(s), {} ms",
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

/// The crate directories of an earlier generation this one did not write.
fn stale(args: &Args, files: &[kv_codegen::File]) -> Vec<PathBuf> {
    match args.crates() {
        Some(crates) => kv_codegen::stale_crates(&args.out, &crates, files),
        None => Vec::new(),
    }
}

fn check(args: &Args) -> ExitCode {
    let Some(output) = run(args) else {
        return ExitCode::from(2);
    };
    if let Some(dir) = stale(args, &output.files).first() {
        eprintln!(
            "{} is stale: a crate {} no longer generates; run `kv-codegen generate` with the same options",
            dir.display(),
            args.spec.display()
        );
        return ExitCode::from(1);
    }
    let files = args.files(&output);
    for (target, contents) in &files {
        let current = std::fs::read_to_string(target).unwrap_or_default();
        if let Some(line) = kv_codegen::first_difference(&current, contents) {
            eprintln!(
                "{} is stale: it differs from a fresh generation of {} at line {line}; run `cargo run -p kv-codegen -- generate`",
                target.display(),
                args.spec.display()
            );
            return ExitCode::from(1);
        }
    }
    let what = match (&args.crates, files.as_slice()) {
        (None, [(target, _)]) => target.display().to_string(),
        _ => args.out.display().to_string(),
    };
    println!("{what} is up to date with {}", args.spec.display());
    ExitCode::SUCCESS
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
