//! Phase 1: files (YAML or JSON; one document or several joined by relative `$ref`s) →
//! `openapiv3::OpenAPI`.
//!
//! The steps, each on one tree ([`serde_yaml::Value`], whose mappings keep their order):
//! 1. parse: text → tree, bounded by the text's size (aliases, nesting, big numbers);
//! 2. the version: OpenAPI 3.0.x or 3.1.x;
//! 3. bundle: `$ref`s to other files are read and joined into the one document;
//! 4. select: only the operations asked for (`--include`/`--exclude`);
//! 5. overlays (OpenAPI Overlay 1.0/1.1), in order;
//! 6. prune: components no selected operation reaches are dropped;
//! 7. normalise: 3.1's schema dialect into the 3.0 shape the model reads, numbers into the
//!    ranges `openapiv3` holds, and common slips (`required: true` on a property) as meant;
//! 8. the guard checks every schema one node at a time, and only then does
//!    `openapiv3` read the whole: loading stays linear in the input.

mod bundle;
mod numbers;
mod overlay;
mod parse;
mod select;
mod slips;
mod v31;
mod walk;
mod yaml_events;

pub(crate) use bundle::Origins;

/// The most kv-codegen reads from one file (a spec, a file it refers to, an overlay):
/// Cloudflare's whole API is 4.2 MB; a larger file is refused with this limit named.
pub(crate) const MAX_FILE_BYTES: u64 = 256 << 20;

/// The text of `path`, refused when it is larger than [`MAX_FILE_BYTES`] (read through a
/// limit, so a file that grows while it is read is refused too).
pub(crate) fn read_text(path: &std::path::Path) -> std::io::Result<String> {
    read_limited(path, MAX_FILE_BYTES)
}

/// The text of `path` if it holds at most `limit` bytes.
fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than {limit} bytes, the most kv-codegen reads from one file"
        )));
    }
    Ok(text)
}

use crate::diagnostics::{Diagnostics, Kind};
use openapiv3::OpenAPI;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// The OpenAPI versions read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    V30,
    V31,
}

/// A loaded document and what it took to load it.
pub(crate) struct Loaded {
    /// The document, in the 3.0 shape.
    pub doc: OpenAPI,
    /// Every file read (the spec, the files it refers to, overlays), in the order read: what a
    /// build script reruns on.
    pub files: Vec<PathBuf>,
    /// With a selection (`include`/`exclude`): the operations kept out of those the
    /// document holds.
    pub selected: Option<(usize, usize)>,
}

/// Where the text came from and how to load it.
pub(crate) struct Request<'a> {
    /// The spec's text.
    pub text: &'a str,
    /// Its path, when it is a file: relative `$ref`s are resolved from its directory.
    pub path: Option<&'a Path>,
}

/// Parses `text` as an OpenAPI 3.0 or 3.1 document on its own (no file around it).
/// Problems go into `diags`; `None` means stop.
pub fn load(text: &str, diags: &mut Diagnostics) -> Option<OpenAPI> {
    let request = Request { text, path: None };
    let config = crate::Config::default();
    let mut origins = Origins::default();
    load_request(&request, &config, diags, &mut origins).map(|loaded| loaded.doc)
}

/// Loads a spec, every step of the module's list. `config` gives the selection (`include`,
/// `exclude`) and the overlays; `origins` learns where the parts that came from other files
/// came from, even when loading stops.
pub(crate) fn load_request(
    request: &Request<'_>,
    config: &crate::Config,
    diags: &mut Diagnostics,
    origins: &mut Origins,
) -> Option<Loaded> {
    let name = request
        .path
        .map_or_else(|| "#".to_owned(), |p| p.display().to_string());
    let mut value = parse::parse(request.text, &name, diags)?;
    let version = check_version(&value, diags)?;
    let mut files: Vec<PathBuf> = request.path.iter().map(|p| p.to_path_buf()).collect();
    *origins = bundle::bundle(
        &mut value,
        request.path,
        request.text.len(),
        &mut files,
        diags,
    );
    let selected = tailor(&mut value, config, &mut files, diags)?;
    if version == Version::V31 {
        v31::normalise(&mut value, diags);
    }
    numbers::normalise(&mut value, diags);
    slips::normalise(&mut value, diags);
    crate::guard::guard(&mut value);
    let doc = read_openapi(value, diags)?;
    Some(Loaded {
        doc,
        files,
        selected,
    })
}

/// Steps 4 to 6: selection, overlays, pruning. `None` means stop; else the counts of a
/// selection, if one was asked for.
fn tailor(
    value: &mut Value,
    config: &crate::Config,
    files: &mut Vec<PathBuf>,
    diags: &mut Diagnostics,
) -> Option<Option<(usize, usize)>> {
    let selection = select::Selection::parse(&config.include, &config.exclude, diags)?;
    let counts = selection.map(|mut selection| selection.apply(value, diags));
    overlay::apply_files(value, &config.overlays, files, diags)?;
    // Pruned after the overlays, which may add references of their own.
    if counts.is_some() {
        select::prune(value);
    }
    Some(counts.map(|c| (c.selected, c.total)))
}

/// The tree as `openapiv3` reads it (every schema already passed the guard).
fn read_openapi(value: Value, diags: &mut Diagnostics) -> Option<OpenAPI> {
    match serde_yaml::from_value::<OpenAPI>(value) {
        Ok(doc) => Some(doc),
        Err(err) => {
            let message = format!("not an OpenAPI 3.0 document: {err}");
            diags.error(Kind::Syntax, "#", message);
            None
        }
    }
}

/// Accepts `openapi: 3.0.x` and `3.1.x`; Swagger 2 is another format.
fn check_version(value: &Value, diags: &mut Diagnostics) -> Option<Version> {
    let version = value.get("openapi").and_then(version_text);
    match version {
        Some(v) if v == "3.0" || v.starts_with("3.0.") => Some(Version::V30),
        Some(v) if v == "3.1" || v.starts_with("3.1.") => Some(Version::V31),
        Some(v) => {
            let message = format!(
                "OpenAPI version {v} is not supported: kv-codegen reads OpenAPI 3.0.x and 3.1.x documents"
            );
            diags.error(Kind::Version, "#/openapi", message);
            None
        }
        None if value.get("swagger").is_some() => {
            let message = "Swagger 2.0 documents are not supported: convert to OpenAPI 3.0.x";
            diags.error(Kind::Version, "#/swagger", message);
            None
        }
        None => {
            let message = "missing `openapi` version field: expected `openapi: 3.0.x` or `3.1.x`";
            diags.error(Kind::Version, "#", message);
            None
        }
    }
}

/// The version as text, whether YAML read it as a string or (for `3.0`) as a number.
fn version_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod read_tests {
    #[test]
    fn a_file_over_the_limit_is_refused_with_the_limit_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(
            super::read_limited(&path, 10).ok().as_deref(),
            Some("0123456789")
        );
        let refused = super::read_limited(&path, 9).map_err(|e| e.to_string());
        assert_eq!(
            refused,
            Err("larger than 9 bytes, the most kv-codegen reads from one file".to_owned())
        );
    }
}
