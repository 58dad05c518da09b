//! kv-codegen: reads an OpenAPI 3.0 description and writes a typed Rust SDK module.
//!
//! Four phases, one model: [`load`](load::load) text into `openapiv3`, [`lower`](lower::lower)
//! it into the plain-data [`model`], then [`emit::render`] it part by part: tokens with `quote`,
//! printed with `prettyplease` (or [`format`](mod@format)'s plain printer). Problems are [`Diagnostic`]s with a
//! JSON pointer; the driver stops between phases when one is an error.
//!
//! The output is one module ([`Output::code`]), or for an API too large to compile as one
//! crate, a workspace of crates ([`Config::crates`], [`Output::files`]).

pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod guard;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod refs;
pub mod suggest;

pub use diagnostics::{Diagnostic, Diagnostics, Kind, Severity};

use std::path::Path;

/// Settings of one generation.
#[derive(Clone, Debug)]
pub struct Config {
    /// The path generated code uses to reach the SDK runtime.
    pub runtime_path: String,
    /// The spec's name as printed in the `@generated` header (not a full path: output must not
    /// depend on where the checkout lives).
    pub source_name: String,
    /// Path parameters that fall back to a value set on the client, as if they carried
    /// `x-kv-client-default: true` (for specs one cannot edit, e.g. `account_id`).
    pub client_defaults: Vec<String>,
    /// Puts `#[cfg(feature = "<group>")]` on each group's module (and on the types only
    /// the enabled groups use), so a crate can compile only the groups it needs.
    pub group_features: bool,
    /// Refuse the whole spec when any operation would be left out (or any other error was
    /// found), instead of generating the rest. Our own spec is built this way.
    pub strict: bool,
    /// Pretty-print the module (`prettyplease`), as the checked-in copy is. Off, the code is
    /// printed as it comes, one statement per line: for a build script's `OUT_DIR`, which only
    /// the compiler reads, and several times faster on a large API.
    pub pretty: bool,
    /// The prefix of the client's environment variables (`CLOUDFLARE` →
    /// `CLOUDFLARE_API_TOKEN`), replacing the spec's `x-kv-env-prefix` or the one derived
    /// from its title.
    pub env_prefix: Option<String>,
    /// Write a workspace of crates instead of one module ([`Crates`]): for an API too large
    /// to compile as one crate. `None` (the default) writes the module. The crates name the
    /// runtime `kv_runtime` (their manifests depend on it) and are gated by their crates, so
    /// [`Config::runtime_path`] and [`Config::group_features`] do not apply to them.
    pub crates: Option<Crates>,
    /// Which operations to generate: each entry is `tag:NAME`, `path:GLOB` (`*` within a
    /// segment, `**` across segments; `{braces}` are literal) or `operation:ID`. Empty: all.
    /// Only the selected operations, and the schemas they reach, are generated.
    pub include: Vec<String>,
    /// Operations left out even when `include` selects them, in the same forms.
    pub exclude: Vec<String>,
    /// OpenAPI Overlay documents (1.0 or 1.1, YAML or JSON) applied in order to the spec
    /// after selection and before generation: a user's own additions kept apart from a
    /// spec they do not own.
    pub overlays: Vec<std::path::PathBuf>,
}

/// The crates layout: the API as a workspace of crates that cargo compiles side by side,
/// each rustc holding only its part, so that the memory of a build is that of the largest
/// few parts rather than of the whole API.
///
/// - `<name>/`: the crate users depend on, with `Client`, a `types` module re-exporting
///   every type, and each group as a module (`<name>::<group>`), behind a cargo feature of
///   the group's name (`full`, the default, turns on all of them);
/// - `<name>-<group>/`: a group's handles, parameters and the types only it uses;
/// - `<name>-types/`: the types several groups (or none) use;
/// - `Cargo.toml`: a workspace of them, unless [`Crates::workspace`] is off.
///
/// Paths stay those of the module layout: `<name>::types::Foo`, `<name>::<group>::FooParams`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crates {
    /// The package name of the crate users depend on; the others are named after it. ASCII
    /// letters, digits, `-` and `_`, starting with a letter.
    pub name: String,
    /// The version every crate gets.
    pub version: String,
    /// Where the crates find `kv-runtime`.
    pub runtime: RuntimeDependency,
    /// Write the workspace manifest too (off when the crates are members of your own).
    pub workspace: bool,
}

/// How generated crates depend on `kv-runtime`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// From crates.io: a version requirement such as `0.1`.
    Version(String),
    /// A path, relative to the output directory (or absolute).
    Path(String),
}

impl Crates {
    /// The crates layout named `name`, version 0.1.0, with `kv-runtime` from crates.io at
    /// the version of this generator, and a workspace manifest.
    pub fn named(name: &str) -> Crates {
        Crates {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            runtime: RuntimeDependency::Version(runtime_requirement()),
            workspace: true,
        }
    }
}

/// `kv-runtime`'s version requirement matching this generator: `0.1` for 0.1.x.
fn runtime_requirement() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_owned(),
        _ => version.to_owned(),
    }
}

/// A file of the crates layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Its path under the output directory, with `/` between components.
    pub path: String,
    /// Its text.
    pub contents: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            runtime_path: "kv_runtime".to_owned(),
            source_name: "spec/cloudflare-kv.yaml".to_owned(),
            client_defaults: Vec::new(),
            group_features: false,
            strict: false,
            pretty: true,
            env_prefix: None,
            crates: None,
            include: Vec::new(),
            exclude: Vec::new(),
            overlays: Vec::new(),
        }
    }
}

/// An operation the generator could not generate, left out of the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// Its `operationId` (or `<method>-<path>` when it has none).
    pub operation: String,
    /// Where it is defined, e.g. `#/paths/~1accounts~1{id}/get`.
    pub pointer: String,
    /// The first problem that kept it out, with the pointer of that problem.
    pub reason: String,
}

/// The result of a successful generation.
#[derive(Clone, Debug)]
pub struct Output {
    /// The formatted Rust source (empty in the crates layout, which has [`Output::files`]).
    pub code: String,
    /// In the crates layout ([`Config::crates`]), every file of it, in a fixed order;
    /// empty otherwise.
    pub files: Vec<File>,
    /// How many operations became methods.
    pub operations: usize,
    /// How many named types were emitted.
    pub types: usize,
    /// The operations that could not be generated (each also has an error in `diagnostics`).
    pub left_out: Vec<LeftOut>,
    /// Every problem found, in order: the errors that left operations out, and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// The warnings among `diagnostics`: constructs handled in a weaker, documented way.
    pub warnings: Vec<Diagnostic>,
    /// Every file read: the spec, the files its `$ref`s reach, the overlays (what a build
    /// script reruns on).
    pub sources: Vec<std::path::PathBuf>,
    /// With a selection ([`Config::include`], [`Config::exclude`]): how many operations it
    /// kept. `None` when the whole spec was generated.
    pub selected: Option<Selected>,
}

/// What a selection kept of a spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selected {
    /// The operations selected (some may still be left out, see [`Output::left_out`]).
    pub operations: usize,
    /// The operations the spec holds.
    pub total: usize,
}

impl Output {
    /// True when something was left out or found in error (what `--strict` refuses).
    pub fn is_partial(&self) -> bool {
        !self.left_out.is_empty()
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
}

/// The stack the generator runs on. Reading and lowering recurse once per level of schema
/// nesting (which the load guard bounds), and a debug build of serde spends tens of
/// kilobytes per level: the caller's stack (2 MiB on a test thread) is not to be relied on.
const STACK_BYTES: usize = 64 << 20;

/// Generates the SDK module for a specification given as text.
///
/// Refuses the whole text (`Err`) when it is not an OpenAPI 3.0.x document; otherwise
/// generates what can be generated, leaving out (and reporting) the operations that cannot,
/// unless [`Config::strict`] is set. Runs on a thread of its own with a known stack.
pub fn generate(text: &str, config: &Config) -> Result<Output, Vec<Diagnostic>> {
    let request = load::Request { text, path: None };
    generate_request(&request, config)
}

/// [`generate`] of a request, on a thread of its own.
fn generate_request(
    request: &load::Request<'_>,
    config: &Config,
) -> Result<Output, Vec<Diagnostic>> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("kv-codegen".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || generate_here(request, config));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                let message = "internal error: the generator stopped unexpectedly on this spec";
                Err(vec![Diagnostic {
                    severity: Severity::Error,
                    kind: Kind::Invalid,
                    pointer: "#".to_owned(),
                    message: message.to_owned(),
                }])
            }),
            // No thread to be had: run here, on the caller's stack.
            Err(_) => generate_here(request, config),
        }
    })
}

/// [`generate`] on the current thread.
fn generate_here(request: &load::Request<'_>, config: &Config) -> Result<Output, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let mut origins = load::Origins::default();
    let made = generate_with(request, config, &mut diags, &mut origins);
    // Parts of the document that came from other files are named by file and pointer.
    diags.relocate(|pointer| origins.locate(pointer));
    let Some(mut output) = made else {
        return Err(diags.into_items());
    };
    for left in &mut output.left_out {
        if let Some(located) = origins.locate(&left.pointer) {
            left.pointer = located;
        }
    }
    output.warnings = diags.warnings().cloned().collect();
    output.diagnostics = diags.into_items();
    Ok(output)
}

/// Every phase; `None` when one of them stopped (the reasons are in `diags`). The output's
/// diagnostics are filled in by the caller.
fn generate_with(
    request: &load::Request<'_>,
    config: &Config,
    diags: &mut Diagnostics,
    origins: &mut load::Origins,
) -> Option<Output> {
    let loaded = load::load_request(request, config, diags, origins)?;
    let (mut model, left_out) = lower::lower(&loaded.doc, &config.client_defaults, diags);
    drop(loaded.doc);
    lower::override_env_prefix(
        &mut model.api.env_prefix,
        config.env_prefix.as_deref(),
        diags,
    );
    if config.strict && diags.has_errors() {
        return None;
    }
    if let Some(crates) = &config.crates {
        // The facade mounts the module at its root: doc examples name it.
        model.api.doc_crate = Some(crates.name.replace('-', "_"));
    }
    let printer = if config.pretty {
        emit::Printer::Pretty
    } else {
        emit::Printer::Plain
    };
    let header = format::header(&config.source_name, request.text);
    let rendered = match &config.crates {
        None => emit::render(&model, config, printer, header).map(|code| (code, Vec::new())),
        Some(crates) => {
            emit::render_crates(&model, crates, printer, header).map(|files| (String::new(), files))
        }
    };
    let (code, files) = match rendered {
        Ok(rendered) => rendered,
        Err(message) => {
            diags.error(Kind::Invalid, "#", message);
            return None;
        }
    };
    Some(Output {
        code,
        files,
        operations: model.operations.len(),
        types: emit::type_count(&model),
        left_out,
        diagnostics: Vec::new(),
        warnings: Vec::new(),
        sources: loaded.files,
        selected: loaded
            .selected
            .map(|(operations, total)| Selected { operations, total }),
    })
}

/// Reads and generates a specification file; `$ref`s to other files are resolved from its
/// directory.
pub fn generate_file(path: &Path, config: &Config) -> Result<Output, Vec<Diagnostic>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let request = load::Request {
                text: &text,
                path: Some(path),
            };
            generate_request(&request, config)
        }
        Err(err) => {
            let message = format!("cannot read {}: {err}", path.display());
            Err(vec![Diagnostic {
                severity: Severity::Error,
                kind: Kind::Syntax,
                pointer: "#".to_owned(),
                message,
            }])
        }
    }
}

/// The file name the module for `spec` is written to: `spec/cloudflare-kv.yaml` → `cloudflare_kv.rs`.
pub fn output_file_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    format!("{}.rs", naming::unraw(&naming::field_name(stem)))
}

/// Writes `contents` to `path` unless the file already holds exactly that, so that an
/// unchanged spec leaves timestamps alone and rebuilds nothing. Returns true when written.
pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, contents)?;
    Ok(true)
}

/// The crate directories in `out` that an earlier generation of the crates layout named
/// `crates.name` wrote and `files` no longer holds (a group gone from the spec), sorted: those
/// whose name is the layout's or starts with it and a `-`, and whose `Cargo.toml` carries
/// kv-codegen's `@generated` header. Nothing else in `out` is ever touched.
pub fn stale_crates(out: &Path, crates: &Crates, files: &[File]) -> Vec<std::path::PathBuf> {
    let current: std::collections::BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.split('/').next())
        .collect();
    let prefix = format!("{}-", crates.name);
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut stale: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return false;
            };
            let ours = name == crates.name || name.starts_with(&prefix);
            ours && !current.contains(name) && is_generated_manifest(&entry.path())
        })
        .map(|entry| entry.path())
        .collect();
    stale.sort();
    stale
}

/// True when `dir/Cargo.toml` begins with kv-codegen's `@generated` header.
fn is_generated_manifest(dir: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 64];
    let Ok(mut file) = std::fs::File::open(dir.join("Cargo.toml")) else {
        return false;
    };
    let read = file.read(&mut start).unwrap_or(0);
    start
        .get(..read)
        .is_some_and(|s| s.starts_with(b"# @generated by kv-codegen "))
}

/// Removes the files kv-codegen writes in a crate directory of the crates layout, then the
/// directories if nothing else is left in them.
pub fn remove_stale_crate(dir: &Path) -> std::io::Result<()> {
    for file in ["Cargo.toml", "src/lib.rs", "src/generated.rs"] {
        match std::fs::remove_file(dir.join(file)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    // Not empty: someone else's files stay, and so does the directory.
    let _ = std::fs::remove_dir(dir.join("src"));
    let _ = std::fs::remove_dir(dir);
    Ok(())
}

/// The name the `@generated` header shows for `spec`: the path as given when relative,
/// else the file name, so that output does not depend on where the checkout lives.
pub fn source_name(spec: &Path) -> String {
    let shown = if spec.is_absolute() {
        spec.file_name().map(Path::new).unwrap_or(spec)
    } else {
        spec
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// The first line at which two texts differ (1-based), if they differ.
pub fn first_difference(a: &str, b: &str) -> Option<usize> {
    let mut left = a.lines();
    let mut right = b.lines();
    let mut line = 1;
    loop {
        match (left.next(), right.next()) {
            (None, None) => return (a != b).then_some(line),
            (x, y) if x != y => return Some(line),
            _ => line += 1,
        }
    }
}
