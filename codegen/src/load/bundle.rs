//! Multi-file specs: `$ref`s to other files (`pet.yml`, `common.yml#/components/schemas/Id`,
//! `../shared/x.yaml#/…`) are read, relative to the file that holds them, and joined into
//! the one document the later steps read.
//!
//! - A schema from another file becomes a component (`#/components/schemas/<name>`, named
//!   after the last token of its pointer or the file's stem), once however often it is
//!   referred to, so recursive schemas across files stay recursive and keep their names. A
//!   component entry that is itself such a reference is filled in place and keeps its name.
//! - Anything else (a path item, a parameter, a response…) is copied where it is referred
//!   to; a cycle of such copies is an error, and copies are charged to a budget proportional
//!   to the text read, so nested references cannot multiply the document without bound.
//! - Remote (`http(s)://`) references are refused: no network is used.
//!
//! Every copied or lifted part records where it came from ([`Origins`]), so that a
//! diagnostic found later names the file and the pointer inside it.

use super::walk::{self, escape, schemas_of, Ctx, Pointer, Visit};
use crate::diagnostics::{Diagnostics, Kind};
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// Where the parts of the bundled document came from: `(pointer in the bundle, file#pointer)`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Origins(Vec<(String, String)>);

impl Origins {
    /// `pointer` (into the bundle) as `file#pointer` when it lies in a part that came from
    /// another file; the innermost such part wins.
    pub fn locate(&self, pointer: &str) -> Option<String> {
        self.0
            .iter()
            .filter(|(prefix, _)| {
                pointer
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .and_then(|(prefix, origin)| {
                let rest = pointer.get(prefix.len()..)?;
                Some(format!("{origin}{rest}"))
            })
    }
}

/// Joins the files `doc`'s references reach into `doc`. `root` is the file `doc` was read
/// from (none: the text stands alone, and a reference to another file is an error).
pub(crate) fn bundle(
    doc: &mut Value,
    root: Option<&Path>,
    text_len: usize,
    files: &mut Vec<PathBuf>,
    diags: &mut Diagnostics,
) -> Origins {
    if !has_external_ref(doc) {
        return Origins::default();
    }
    let root = root.and_then(|r| std::fs::canonicalize(r).ok());
    let mut bundler = Bundler::new(doc, root.clone(), text_len, files, diags);
    let base = root.unwrap_or_default();
    walk::document(
        doc,
        &mut At {
            bundler: &mut bundler,
            base,
        },
    );
    bundler.lift_pending(doc);
    Origins(bundler.origins)
}

/// True when some `$ref` anywhere names another file (a quick scan: most specs have none).
fn has_external_ref(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Mapping(map) => {
                if map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| !r.starts_with('#'))
                {
                    return true;
                }
                stack.extend(map.values());
            }
            Value::Sequence(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// A reference's target: a file and a pointer in it.
type Target = (PathBuf, String);

struct Bundler<'d> {
    /// The spec's own file (canonical), if it has one.
    root: Option<PathBuf>,
    /// Files read, parsed (`None`: could not be read or parsed; reported once).
    cache: BTreeMap<PathBuf, Option<Value>>,
    /// Schemas of other files and the component name each became.
    names: BTreeMap<Target, String>,
    /// Component names in use, and the next suffix to try for each base name.
    taken: HashSet<String>,
    suffixes: HashMap<String, usize>,
    /// Schemas named but not yet copied into the components.
    pending: VecDeque<(String, Target)>,
    /// The non-schema parts being copied, innermost last (a cycle is a target met again).
    inlining: Vec<Target>,
    /// The component entries being filled in place (an entry that refers, through its
    /// file, back to itself is left as a reference to its own name).
    filling: Vec<Target>,
    origins: Vec<(String, String)>,
    /// Nodes copies may still add.
    budget: usize,
    files: &'d mut Vec<PathBuf>,
    diags: &'d mut Diagnostics,
}

/// The bundler seen from one file: references are resolved from `base`.
struct At<'b, 'd> {
    bundler: &'b mut Bundler<'d>,
    base: PathBuf,
}

impl Visit for At<'_, '_> {
    fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool {
        let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
            return true;
        };
        self.bundler
            .reference(node, &reference, &self.base, ctx, at);
        false
    }
}

impl<'d> Bundler<'d> {
    fn new(
        doc: &Value,
        root: Option<PathBuf>,
        text_len: usize,
        files: &'d mut Vec<PathBuf>,
        diags: &'d mut Diagnostics,
    ) -> Bundler<'d> {
        let mut bundler = Bundler {
            root,
            cache: BTreeMap::new(),
            names: BTreeMap::new(),
            taken: HashSet::new(),
            suffixes: HashMap::new(),
            pending: VecDeque::new(),
            inlining: Vec::new(),
            filling: Vec::new(),
            origins: Vec::new(),
            budget: text_len.saturating_mul(4).saturating_add(1 << 20),
            files,
            diags,
        };
        bundler.reserve_root_components(doc);
        bundler
    }

    /// The root's own component names are taken; an entry that is a reference to another
    /// file's schema gives that schema its name.
    fn reserve_root_components(&mut self, doc: &Value) {
        let schemas = doc.get("components").and_then(|c| c.get("schemas"));
        let Some(Value::Mapping(schemas)) = schemas else {
            return;
        };
        let base = self.root.clone().unwrap_or_default();
        for (name, schema) in schemas {
            let Some(name) = name.as_str() else { continue };
            self.taken.insert(name.to_owned());
            let reference = schema.get("$ref").and_then(Value::as_str);
            if let Some(Ok(Some(target))) = reference.map(|r| self.target(r, &base)) {
                self.names.entry(target).or_insert_with(|| name.to_owned());
            }
        }
    }

    /// Handles the reference `reference` found at `at` in a file whose path is `base`.
    fn reference(
        &mut self,
        node: &mut Value,
        reference: &str,
        base: &Path,
        ctx: Ctx,
        at: &Pointer,
    ) {
        let target = match self.target(reference, base) {
            Ok(Some(target)) => target,
            // Within the spec's own file: left as it is.
            Ok(None) => return,
            // A schema is marked, and lowering reports it where it stands (so only what
            // uses it is left out); elsewhere the reference stays, reported here.
            Err(message) if ctx == Ctx::Schema => return *node = invalid(message),
            Err(message) => {
                let at = at.child("$ref");
                return self.diags.error(Kind::Reference, at.as_str(), message);
            }
        };
        if self.is_root(&target.0) {
            set_ref(node, format!("#{}", target.1));
            return;
        }
        match ctx {
            Ctx::Schema => self.schema(node, target, at),
            Ctx::Doc => self.inline(node, target, reference, at),
        }
    }

    fn is_root(&self, file: &Path) -> bool {
        self.root.as_deref() == Some(file)
    }

    /// The file and pointer `reference` names, from a file at `base`; `None` when it is a
    /// pointer into the spec's own text.
    fn target(&self, reference: &str, base: &Path) -> Result<Option<Target>, String> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if path.contains("://") {
            return Err(format!(
                "`{reference}` is a remote reference: kv-codegen reads no network; download the file and refer to it by a relative path"
            ));
        }
        let fragment = decode_fragment(fragment);
        if path.is_empty() {
            return Ok(self
                .root
                .as_deref()
                .filter(|root| *root != base)
                .map(|_| (base.to_path_buf(), fragment)));
        }
        if self.root.is_none() && base.as_os_str().is_empty() {
            return Err(format!(
                "`{reference}` is in another file, and this spec was given as text: generate from its file (the CLI, or kv_codegen::generate_file) so that the reference can be followed"
            ));
        }
        let joined = base.parent().unwrap_or(Path::new("")).join(path);
        let file = std::fs::canonicalize(&joined)
            .map_err(|err| format!("`{reference}`: cannot read {}: {err}", joined.display()))?;
        Ok(Some((file, fragment)))
    }

    /// A schema of another file: a component of its own (named once), referred to by name.
    fn schema(&mut self, node: &mut Value, target: Target, at: &Pointer) {
        let name = match self.names.get(&target) {
            Some(name) => name.clone(),
            None => {
                let name = self.allocate(&target);
                self.names.insert(target.clone(), name.clone());
                self.pending.push_back((name.clone(), target));
                return set_ref(node, format!("#/components/schemas/{}", escape(&name)));
            }
        };
        let entry = Pointer::root()
            .child("components")
            .child("schemas")
            .child(&name);
        if entry.as_str() != at.as_str() || self.filling.contains(&target) {
            return set_ref(node, format!("#/components/schemas/{}", escape(&name)));
        }
        // The component entry that gave the schema its name: filled in place.
        self.filling.push(target.clone());
        let content = self.copy(&target, Ctx::Schema, at);
        self.filling.pop();
        if let Some(content) = content {
            *node = content;
        }
    }

    /// Another file's path item, parameter, response…: copied in place.
    fn inline(&mut self, node: &mut Value, target: Target, reference: &str, at: &Pointer) {
        if self.inlining.contains(&target) {
            let message = format!("`{reference}` refers back to itself through other files: a cycle that cannot be copied out");
            self.diags
                .error(Kind::Reference, at.child("$ref").as_str(), message);
            return;
        }
        self.inlining.push(target.clone());
        let content = self.copy(&target, Ctx::Doc, at);
        self.inlining.pop();
        if let Some(mut content) = content {
            keep_summary_and_description(node, &mut content);
            *node = content;
        }
    }

    /// The target's content, its own references resolved from its file, charged to the
    /// budget, its origin recorded at `at`.
    fn copy(&mut self, target: &Target, ctx: Ctx, at: &Pointer) -> Option<Value> {
        let mut content = self.content(target, at)?;
        let nodes = count_nodes(&content);
        let Some(left) = self.budget.checked_sub(nodes) else {
            let message = "references copy other files' parts so often that the document would grow out of proportion to its text: refused";
            self.diags.error(Kind::Reference, at.as_str(), message);
            return None;
        };
        self.budget = left;
        let origin = format!("{}#{}", self.shown(&target.0), target.1);
        self.origins.push((at.as_str().to_owned(), origin));
        let mut here = At {
            bundler: self,
            base: target.0.clone(),
        };
        walk::walk(&mut content, ctx, at, &mut here);
        Some(content)
    }

    /// A clone of the node `target` names, or an error at `at`.
    fn content(&mut self, target: &Target, at: &Pointer) -> Option<Value> {
        let shown = self.shown(&target.0);
        let file = self.file(&target.0)?;
        match resolve(file, &target.1) {
            Some(node) => Some(node.clone()),
            None => {
                let message = format!(
                    "`{shown}#{}` points to nothing: {shown} has no such node",
                    target.1
                );
                self.diags
                    .error(Kind::Reference, at.child("$ref").as_str(), message);
                None
            }
        }
    }

    /// The parsed file at `path`, read once.
    fn file(&mut self, path: &Path) -> Option<&Value> {
        if !self.cache.contains_key(path) {
            let parsed = self.read(path);
            self.cache.insert(path.to_path_buf(), parsed);
        }
        self.cache.get(path).and_then(Option::as_ref)
    }

    fn read(&mut self, path: &Path) -> Option<Value> {
        let shown = self.shown(path);
        self.files.push(path.to_path_buf());
        match super::read_text(path) {
            Ok(text) => {
                self.budget = self.budget.saturating_add(text.len().saturating_mul(4));
                super::parse::parse(&text, &shown, self.diags)
            }
            Err(err) => {
                self.diags.error(
                    Kind::Reference,
                    format!("{shown}#"),
                    format!("cannot read {shown}: {err}"),
                );
                None
            }
        }
    }

    /// A path as diagnostics show it: relative to the spec's directory when under it.
    fn shown(&self, path: &Path) -> String {
        let dir = self.root.as_deref().and_then(Path::parent);
        let relative = dir.and_then(|d| path.strip_prefix(d).ok()).unwrap_or(path);
        relative.to_string_lossy().replace('\\', "/")
    }

    /// A component name for another file's schema: the pointer's last token or the file's
    /// stem, with `_2`, `_3`… when taken.
    fn allocate(&mut self, target: &Target) -> String {
        let last = target.1.rsplit('/').find(|t| !t.is_empty()).map(unescape);
        let stem = target
            .0
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        let base = last.or(stem).unwrap_or_else(|| "schema".to_owned());
        if self.taken.insert(base.clone()) {
            return base;
        }
        let next = self.suffixes.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}_{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Copies the schemas named during the walk into `components/schemas`, each walked in
    /// turn (which may name more), in the order they were named.
    fn lift_pending(&mut self, doc: &mut Value) {
        while let Some((name, target)) = self.pending.pop_front() {
            let at = Pointer::root()
                .child("components")
                .child("schemas")
                .child(&name);
            let content = self
                .copy(&target, Ctx::Schema, &at)
                .unwrap_or_else(|| invalid(format!("`{}` could not be read", name)));
            if let Some(schemas) = schemas_of(doc) {
                schemas.insert(Value::from(name), content);
            }
        }
    }
}

/// Points `node`'s `$ref` at `reference`, keeping its siblings.
fn set_ref(node: &mut Value, reference: String) {
    if let Value::Mapping(map) = node {
        map.insert(Value::from("$ref"), Value::from(reference));
    }
}

/// A 3.1 reference's `summary` and `description` override the target's.
fn keep_summary_and_description(reference: &Value, content: &mut Value) {
    let (Value::Mapping(from), Value::Mapping(into)) = (reference, content) else {
        return;
    };
    for key in ["summary", "description"] {
        if let Some(text) = from.get(key) {
            into.insert(Value::from(key), text.clone());
        }
    }
}

/// The marker the guard uses for a schema that cannot be read: lowering reports it where it
/// stands, and only what uses it is left out.
fn invalid(reason: String) -> Value {
    let mut marker = Mapping::new();
    marker.insert(Value::from(crate::guard::INVALID), Value::from(reason));
    Value::Mapping(marker)
}

/// The node `fragment` (a JSON pointer, percent-decoded) names in `doc`.
fn resolve<'v>(doc: &'v Value, fragment: &str) -> Option<&'v Value> {
    if fragment.is_empty() {
        return Some(doc);
    }
    let mut node = doc;
    for token in fragment.strip_prefix('/')?.split('/') {
        let token = unescape(token);
        node = match node {
            Value::Mapping(map) => map.get(token.as_str())?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A fragment as a JSON pointer: percent-decoded, `/` first (or empty for the whole file).
fn decode_fragment(fragment: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    let trimmed = decoded.trim_end_matches('/');
    trimmed.to_owned()
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// How many nodes a tree holds (iteratively: copies may be deep).
fn count_nodes(value: &Value) -> usize {
    let mut count = 0usize;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        count += 1;
        match node {
            Value::Mapping(map) => stack.extend(map.values()),
            Value::Sequence(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}
