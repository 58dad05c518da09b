//! `kv-codegen generate|check SPEC [-o DIR]`: write or verify the generated SDK module.

use clap::{Parser, Subcommand};
use kv_codegen::{diagnostics, Config};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

// Generation allocates and frees millions of small token vectors, from several threads;
// glibc's allocator spent a third of the run on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// OpenAPI 3.0/3.1 → Rust SDK module generator.
///
/// Reads an OpenAPI 3.0.x or 3.1.x document and writes one formatted Rust module: a `Client`, one
/// method per operation, and a type per schema, calling the `kv-runtime` crate at run time.
#[derive(Parser)]
#[command(name = "kv-codegen", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Exit status of both commands, shown under their `--help`.
const EXIT_STATUS: &str = "Exit status: 0 on success; 1 when `check` finds DIR stale; 2 when \
the spec has errors (each printed once with its JSON pointer, the operations it leaves out \
listed under it) or a file cannot be read or written. An operation that cannot be generated \
is such an error: nothing is written. With --allow-partial the rest is generated, the \
left-out operations are printed, and the status is 0. Warnings are printed and do not \
change the status.";

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
    /// The OpenAPI 3.0.x or 3.1.x document to read, YAML or JSON (told apart by its content); `$ref`s to other files are read from its directory.
    /// Omitted: the one document in `./spec/` (`.yaml`, `.yml` or `.json`, overlays aside),
    /// if there is exactly one.
    #[arg(value_name = "SPEC")]
    given: Option<PathBuf>,
    /// SPEC as given, or as found.
    #[arg(skip)]
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
    /// Generate what can be generated when some operations cannot be: each one left out is
    /// printed (with the error that kept it out) and the status is 0. Without it, an
    /// operation that cannot be generated fails the command (exit 2) and nothing is written.
    #[arg(long = "allow-partial")]
    allow_partial: bool,
    /// Give every schema a type of its own. By default structurally identical schemas are
    /// one type and every other name an alias of it (less code, the same API by every name);
    /// keep them apart for code that implements its own traits on two of them.
    #[arg(long = "keep-identical-types")]
    keep_identical_types: bool,
    /// Refuse a spec when any operation would be left out: the default now, accepted so
    /// that existing scripts keep working.
    #[arg(long, hide = true, conflicts_with = "allow_partial")]
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
    /// With `--crates`: depend on `kv-runtime` at this path (relative to DIR, or absolute).
    /// The default is the `runtime/` directory beside this generator's sources (the checkout
    /// it was built or `cargo install`ed from), and crates.io when that is gone.
    #[arg(
        long = "runtime-dependency-path",
        value_name = "PATH",
        requires = "crates"
    )]
    runtime_dependency_path: Option<String>,
    /// With `--crates`: depend on `kv-runtime` from crates.io (or your registry's
    /// replacement) at this version requirement, e.g. `0.1`, instead of a path.
    #[arg(
        long = "runtime-dependency-version",
        value_name = "REQ",
        requires = "crates",
        conflicts_with = "runtime_dependency_path"
    )]
    runtime_dependency_version: Option<String>,
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
        if let Some(version) = &self.runtime_dependency_version {
            crates.runtime = kv_codegen::RuntimeDependency::Version(version.clone());
        }
        Some(crates)
    }

    /// This invocation as `kv-codegen COMMAND SPEC [options]`, each option shown only when it
    /// is not its default, so that `generate` and `check` with the same settings agree on it
    /// (it goes into the `@generated` header) however they were typed.
    fn command_line(&self, command: &str) -> String {
        let mut words = vec![
            "kv-codegen".to_owned(),
            command.to_owned(),
            quoted(&kv_codegen::source_name(&self.spec)),
        ];
        let mut option = |name: &str, value: Option<&str>| {
            words.push(name.to_owned());
            words.extend(value.map(quoted));
        };
        if self.out != Path::new("generated") {
            option("-o", Some(&self.out.to_string_lossy()));
        }
        for name in &self.client_defaults {
            option("--client-default", Some(name));
        }
        let flags = [
            (self.group_features, "--group-features"),
            (self.allow_partial, "--allow-partial"),
            (self.no_workspace, "--no-workspace"),
            (self.keep_identical_types, "--keep-identical-types"),
        ];
        let valued = [
            ("--env-prefix", self.env_prefix.as_deref()),
            (
                "--runtime-path",
                Some(self.runtime_path.as_str()).filter(|p| *p != "kv_runtime"),
            ),
            ("--crates", self.crates.as_deref()),
            (
                "--crate-version",
                Some(self.crate_version.as_str()).filter(|v| *v != "0.1.0"),
            ),
            (
                "--runtime-dependency-path",
                self.runtime_dependency_path.as_deref(),
            ),
            (
                "--runtime-dependency-version",
                self.runtime_dependency_version.as_deref(),
            ),
        ];
        for (name, value) in valued {
            if let Some(value) = value {
                option(name, Some(value));
            }
        }
        for (set, flag) in flags {
            if set {
                option(flag, None);
            }
        }
        words.join(" ")
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
        Command::Generate(args) => with_spec(args, generate),
        Command::Check(args) => with_spec(args, check),
    }
}

/// Runs `command` once SPEC is known: as given, or the one document in `./spec/`.
fn with_spec(mut args: Args, command: impl Fn(&Args) -> ExitCode) -> ExitCode {
    args.spec = match args
        .given
        .clone()
        .map_or_else(|| the_spec_in(Path::new("spec")), Ok)
    {
        Ok(spec) => spec,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    command(&args)
}

/// The one OpenAPI document in `dir` (overlays, `*.overlay.*`, aside).
fn the_spec_in(dir: &Path) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| format!("no SPEC given, and {} cannot be read: {err}", dir.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let document = [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e));
            document && !name.contains(".overlay.")
        })
        .collect();
    found.sort();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!(
            "no SPEC given, and {} holds no OpenAPI document",
            dir.display()
        )),
        _ => Err(format!(
            "no SPEC given, and {} holds several documents: name one",
            dir.display()
        )),
    }
}

/// Runs the generator, printing warnings; on errors prints every diagnostic and returns `None`.
fn run(args: &Args) -> Option<kv_codegen::Output> {
    let spec = args.spec.as_path();
    let config = Config {
        source_name: kv_codegen::source_name(spec),
        regenerate: Some(args.command_line("generate")),
        client_defaults: args.client_defaults.clone(),
        group_features: args.group_features,
        // `--strict` conflicts with `--allow-partial`: it is the default.
        allow_partial: args.allow_partial && !args.strict,
        env_prefix: args.env_prefix.clone(),
        runtime_path: args.runtime_path.clone(),
        crates: args.crates(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        overlays: args.overlays.clone(),
        merge_identical_types: !args.keep_identical_types,
        ..Config::default()
    };
    match kv_codegen::generate_file(spec, &config) {
        Ok(output) => {
            if !output.diagnostics.is_empty() {
                eprint!(
                    "{}",
                    prefixed(spec, &diagnostics::render(&output.diagnostics))
                );
            }
            Some(output)
        }
        Err(diags) => {
            eprint!("{}", prefixed(spec, &diagnostics::render(&diags)));
            None
        }
    }
}

/// What `target` holds, read no further than a formatted copy of `fresh` could reach (a
/// larger file is stale whatever it holds); `None` when it cannot be read.
fn read_current(target: &Path, fresh: &str) -> Option<String> {
    use std::io::Read;
    let limit = (fresh.len() as u64)
        .saturating_mul(4)
        .saturating_add(1 << 20);
    let mut current = String::new();
    let file = std::fs::File::open(target).ok()?;
    file.take(limit).read_to_string(&mut current).ok()?;
    Some(current)
}

/// True when `target` holds `fresh`, either as generated or as `rustfmt` lays it out (what
/// `cargo fmt` does to a module of a crate): rustfmt sorts imports, breaks lines elsewhere
/// and adds braces and trailing commas, so the text differs where the code does not.
///
/// rustfmt runs on the fresh text from `target`'s directory, so that the project's
/// `rustfmt.toml` applies, once per style edition (2021, 2024) until one matches; only when
/// the file differs from the generation but keeps its header (the same spec and command).
/// Without rustfmt installed, only the exact text is fresh.
fn is_fresh(target: &Path, fresh: &str) -> bool {
    let Some(current) = read_current(target, fresh) else {
        return false;
    };
    if current == fresh {
        return true;
    }
    let header = |text: &str| -> Vec<String> {
        let lines = text.lines().take_while(|line| line.starts_with("//"));
        lines.map(str::to_owned).collect()
    };
    if header(&current) != header(fresh) {
        return false;
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    ["2021", "2024"]
        .iter()
        .any(|edition| rustfmt(dir, fresh, edition).is_some_and(|text| text == current))
}

/// `code` as `rustfmt --edition EDITION` prints it, run in `dir`; `None` when rustfmt is
/// missing or refuses it.
fn rustfmt(dir: &Path, code: &str, edition: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", edition, "--emit", "stdout"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = code.to_owned();
    // Written from a thread of its own, so that a full pipe cannot stall both sides.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    let written = writer.join().ok()?.is_ok();
    if !(written && output.status.success()) {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn quoted(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
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
        // A copy `cargo fmt` reformatted is the same code: left as it is, not churned.
        if is_fresh(target, contents) {
            continue;
        }
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
            "{} is stale: a crate {} no longer generates; run `{}`",
            dir.display(),
            args.spec.display(),
            args.command_line("generate")
        );
        return ExitCode::from(1);
    }
    let files = args.files(&output);
    for (target, contents) in &files {
        if is_fresh(target, contents) {
            continue;
        }
        let current = read_current(target, contents).unwrap_or_default();
        if let Some(line) = kv_codegen::first_difference(&current, contents) {
            eprintln!(
                "{} is stale: it differs from a fresh generation of {} at line {line}; run `{}`",
                target.display(),
                args.spec.display(),
                args.command_line("generate")
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
