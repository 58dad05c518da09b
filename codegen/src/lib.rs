//! kv-codegen: reads an OpenAPI 3.0 or 3.1 description (one file or several) and writes a
//! typed Rust SDK module.
//!
//! Four phases, one model: load the spec's files into `openapiv3` (bundling other files,
//! selecting operations, applying overlays, reading 3.1 as 3.0), lower it into a plain-data
//! model, then emit it part by part: tokens with `quote`, printed with `prettyplease` (or a
//! plain printer). Problems are [`Diagnostic`]s with a JSON pointer; the driver stops between
//! phases when one is an error.
//!
//! The API is [`generate_file`] (or [`generate`] for a spec given as text) with a [`Config`],
//! giving an [`Output`]; the rest serves the CLI and build scripts: [`write_if_changed`],
//! [`output_file_name`], [`source_name`], the crates layout's [`stale_crates`] and
//! [`remove_stale_crate`], and [`diagnostics::render`].
//!
//! The output is one module ([`Output::code`]), or for an API too large to compile as one
//! crate, a workspace of crates ([`Config::crates`], [`Output::files`]).

pub mod diagnostics;
mod emit;
mod format;
mod guard;
mod load;
mod lower;
mod model;
mod naming;
mod refs;
mod suggest;

pub use diagnostics::{Diagnostic, Diagnostics, Kind, Severity};
pub use format::{spec_hash, SPEC_HASH_PREFIX};

/// The phases one at a time, for kv-codegen's own benchmarks. Not part of the API: no
/// stability promise.
#[doc(hidden)]
pub mod phases {
    pub use crate::emit::{render, render_crates, Printer};
    pub use crate::load::load;
    pub use crate::lower::{lower, merge_identical};
    pub use crate::naming::Scope;
}

use std::path::Path;

/// Settings of one generation.
#[derive(Clone, Debug)]
pub struct Config {
    /// The path generated code uses to reach the SDK runtime.
    pub runtime_path: String,
    /// The spec's name as printed in the `@generated` header (not a full path: output must not
    /// depend on where the checkout lives). Set it with [`source_name()`](source_name)`(path)`; the default,
    /// `openapi.yaml`, is only a placeholder.
    pub source_name: String,
    /// The command that regenerates the output, shown in its `@generated` header
    /// ("Regenerate with `…`"). `None` (the default) shows none: right for a build script's
    /// output, which the build regenerates. The CLI sets its own command line.
    pub regenerate: Option<String>,
    /// Path parameters that fall back to a value set on the client, as if they carried
    /// `x-kv-client-default: true` (for specs one cannot edit, e.g. `account_id`).
    pub client_defaults: Vec<String>,
    /// Puts `#[cfg(feature = "<group>")]` on each group's module (and on the types only
    /// the enabled groups use), so a crate can compile only the groups it needs.
    pub group_features: bool,
    /// Generate what can be generated when some operations cannot be: each one left out is
    /// reported (an error-level [`Diagnostic`], and in [`Output::left_out`]) and the rest is
    /// generated. Off by default: any error refuses the whole spec, and [`generate`] returns
    /// every diagnostic, so that a build script fails rather than compile a client that is
    /// silently missing methods. Turn it on only where a partial client is what you want
    /// (exploring a large third-party spec); the CLI's `--allow-partial` does the same.
    pub allow_partial: bool,
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
    /// segment, `**` across segments, `?` one character; `{braces}` are literal) or
    /// `operation:ID`; an operation any of them matches is kept. Empty: all. Only the
    /// selected operations, and the components they reach, are generated
    /// ([`Output::selected`] counts them). A malformed entry is an error, one that matches
    /// nothing a warning.
    pub include: Vec<String>,
    /// Operations left out even when `include` selects them, in the same forms.
    pub exclude: Vec<String>,
    /// OpenAPI Overlay documents (1.0 or 1.1, YAML or JSON) applied in order to the spec
    /// after selection and before generation: a user's own additions kept apart from a
    /// spec they do not own. Paths are read as given (relative to the current directory).
    /// Components an overlay refers to are kept by a selection's pruning; an action whose
    /// target matches nothing is a warning, a malformed overlay an error.
    pub overlays: Vec<std::path::PathBuf>,
    /// Write structurally identical schemas as one type, every other name an alias of it
    /// (`pub type Kitten = Cat;`): less code, the same API by every name. On by default. Off,
    /// each schema keeps a type of its own: for code that implements its own traits on two
    /// such types, which would otherwise be one.
    pub merge_identical_types: bool,
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
    /// From a registry (crates.io): a version requirement such as `0.1`. Resolves only once
    /// `kv-runtime` is published there.
    Version(String),
    /// A path, relative to the output directory (or absolute), together with this
    /// generator's version requirement (`{ path = …, version = "0.1" }`): cargo builds the
    /// path, and `cargo publish` replaces it with the version.
    Path(String),
}

impl RuntimeDependency {
    /// The default: the `runtime/` directory beside this generator's own sources (the
    /// checkout or the `cargo install --git`/`--path` copy it was built from), which
    /// resolves offline; when that directory is gone (a generator installed from a
    /// registry), `kv-runtime` from crates.io at this generator's version.
    pub fn beside_generator() -> RuntimeDependency {
        match bundled_runtime() {
            Some(path) => RuntimeDependency::Path(path),
            None => RuntimeDependency::Version(runtime_requirement()),
        }
    }
}

/// `runtime/` beside this crate's manifest directory, when it holds the `kv-runtime` package.
fn bundled_runtime() -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .join("runtime");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let named = manifest
        .lines()
        .any(|line| line.trim() == "name = \"kv-runtime\"");
    named.then(|| dir.to_string_lossy().into_owned())
}

impl Crates {
    /// The crates layout named `name`, version 0.1.0, with `kv-runtime` as
    /// [`RuntimeDependency::beside_generator`] finds it, and a workspace manifest.
    pub fn named(name: &str) -> Crates {
        Crates {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            runtime: RuntimeDependency::beside_generator(),
            workspace: true,
        }
    }
}

/// `kv-runtime`'s version requirement matching this generator: `0.1` for 0.1.x.
pub(crate) fn runtime_requirement() -> String {
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
            source_name: "openapi.yaml".to_owned(),
            regenerate: None,
            client_defaults: Vec::new(),
            group_features: false,
            allow_partial: false,
            pretty: true,
            env_prefix: None,
            crates: None,
            include: Vec::new(),
            exclude: Vec::new(),
            overlays: Vec::new(),
            merge_identical_types: true,
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
    /// True when something was left out or found in error (what is refused unless
    /// [`Config::allow_partial`] is set).
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
/// Refuses the whole text (`Err`) when it is not an OpenAPI 3.0.x or 3.1.x document; otherwise
/// refuses it too when any operation cannot be generated, with every diagnostic, unless
/// [`Config::allow_partial`] is set: then the operations that cannot be generated are left
/// out (and reported) and the rest is generated. Runs on a thread of its own with a known stack.
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
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(vec![internal_error()])),
            // No thread to be had: run here, on the caller's stack.
            Err(_) => generate_here(request, config),
        }
    })
}

/// What a panic of the generator becomes: an error of its own kind, so that callers (and the
/// no-panic tests) tell a bug of kv-codegen from a problem of the spec.
fn internal_error() -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        kind: Kind::Internal,
        pointer: "#".to_owned(),
        message: "internal error: the generator stopped unexpectedly on this spec (a bug of kv-codegen; please report it with the spec)".to_owned(),
    }
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
    if config.merge_identical_types {
        lower::merge_identical(&mut model.types);
    }
    if !config.allow_partial && diags.has_errors() {
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
    let header = format::header(
        &config.source_name,
        request.text,
        config.regenerate.as_deref(),
    );
    let rendered = match &config.crates {
        None => emit::render(&model, config, printer, header).map(|code| (code, Vec::new())),
        Some(crates) => {
            emit::render_crates(&model, crates, printer, header).map(|files| (String::new(), files))
        }
    };
    let (code, files) = match rendered {
        Ok(rendered) => rendered,
        Err(message) => {
            // The crates layout refuses a bad name; anything else is the emitter's own fault.
            let kind = if message.starts_with("internal error") {
                Kind::Internal
            } else {
                Kind::Invalid
            };
            diags.error(kind, "#", message);
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
    match load::read_text(path) {
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
