//! Resources and method names: `client.kv().namespaces().values().update(…)`.
//!
//! Preferred names come from `x-kv-resource` / `x-kv-method`, else from the Fern extensions
//! many published specs carry (`x-fern-sdk-group-name` / `x-fern-sdk-method-name`), else from
//! the path's literal segments and the HTTP method. Collisions fall back to the operation id.

use super::Lowerer;
use crate::diagnostics::{join, Kind};
use crate::model::{HttpMethod, Operation, PathPart, Resource, ResponseBody};
use crate::naming::{self, Scope};
use std::collections::{BTreeMap, BTreeSet};

/// Names the client struct already uses for its own methods.
const CLIENT_METHODS: &[&str] = &["builder", "from_env", "core"];

impl Lowerer<'_> {
    /// The resource path and method name an operation asks for.
    pub(crate) fn preferred_names(
        &mut self,
        op: &openapiv3::Operation,
        method: HttpMethod,
        segments: &[PathPart],
        pointer: &str,
    ) -> (Vec<String>, String, bool) {
        let named = self.text_extension(op, &["x-kv-resource", "x-fern-sdk-group-name"], pointer);
        let from_path = named.is_none();
        let resource = match named {
            Some(text) => text
                .split('.')
                .filter(|s| !s.is_empty())
                .map(naming::field_name)
                .collect(),
            None => path_resource(segments),
        };
        let method_name =
            match self.text_extension(op, &["x-kv-method", "x-fern-sdk-method-name"], pointer) {
                Some(text) => naming::field_name(&text),
                None => verb(method, segments).to_owned(),
            };
        (resource, method_name, from_path)
    }

    /// The first of `keys` present on the operation, which must be a string.
    fn text_extension(
        &mut self,
        op: &openapiv3::Operation,
        keys: &[&str],
        pointer: &str,
    ) -> Option<String> {
        for key in keys {
            match op.extensions.get(*key) {
                Some(serde_json::Value::String(s)) => return Some(s.clone()),
                Some(other) => {
                    let message = format!("`{key}` must be a string, found `{other}`");
                    self.diags.error(Kind::Invalid, join(pointer, key), message);
                }
                None => {}
            }
        }
        None
    }
}

/// Names a group's module may not take: the root module's own items and the crates and
/// modules generated code names.
const RESERVED_MODULES: &[&str] = &[
    "types",
    "rt",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "bytes",
    "futures_util",
];

/// Gives every resource a handle name and every group a module (each module is its own
/// naming scope for handles and parameters structs), and every operation unique method
/// names, pager and stream siblings included.
pub(crate) fn assign(
    _lowerer: &mut Lowerer<'_>,
    mut ops: Vec<Operation>,
) -> (Vec<Operation>, Vec<Resource>) {
    strip_owners(&mut ops);
    let mut paths: BTreeSet<Vec<String>> = BTreeSet::new();
    for op in &ops {
        for len in 1..=op.resource.len() {
            paths.insert(op.resource.iter().take(len).cloned().collect());
        }
    }
    let mut modules = Scope::default();
    for name in RESERVED_MODULES {
        modules.claim(name);
    }
    // Item names per module, by group ("" is the root module).
    let mut items: BTreeMap<String, Scope> = BTreeMap::new();
    let resources: Vec<Resource> = paths
        .iter()
        .map(|path| {
            let scope = items.entry(group_of(path)).or_insert_with(Scope::for_types);
            Resource {
                path: path.clone(),
                type_name: handle_name(scope, path),
                module: (path.len() == 1).then(|| modules.claim(&group_of(path))),
            }
        })
        .collect();
    let mut scopes = method_scopes(&paths);
    for op in &mut ops {
        let scope = scopes.entry(op.resource.clone()).or_default();
        if scope.contains(&op.method_name) {
            op.method_name = scope.claim(&naming::field_name(&op.id));
            // The parameters follow the method (`operation::type_base`'s rule).
            let method = naming::type_name(naming::unraw(&op.method_name));
            op.params_name = format!("{method}Params");
        } else {
            op.method_name = scope.claim(&op.method_name);
        }
        let names = items
            .entry(group_of(&op.resource))
            .or_insert_with(Scope::for_types);
        op.params_name = names.claim(&op.params_name);
    }
    // Siblings come after every main method, so that a spec's own `list_all` keeps its name.
    for op in &mut ops {
        let scope = scopes.entry(op.resource.clone()).or_default();
        let base = naming::unraw(&op.method_name).to_owned();
        if op.pagination.is_some() {
            op.siblings.pages = Some(scope.claim(&format!("{base}_all")));
        }
        if op.success == ResponseBody::Bytes {
            op.siblings.stream = Some(scope.claim(&format!("{base}_stream")));
        }
    }
    (ops, resources)
}

/// The group a resource belongs to: its first accessor ("" for the client itself).
fn group_of(path: &[String]) -> String {
    path.first().cloned().unwrap_or_default()
}

/// A handle's name: its last accessor (`Values`), or its whole path when that is taken.
fn handle_name(scope: &mut Scope, path: &[String]) -> String {
    let last = naming::type_name(path.last().map_or("resource", |s| naming::unraw(s)));
    if scope.contains(&last) {
        let unraw: Vec<&str> = path.iter().map(|s| naming::unraw(s)).collect();
        scope.claim(&naming::type_name(&unraw.join("_")))
    } else {
        scope.claim(&last)
    }
}

/// Method names per resource, with the accessors to child resources (and, on the client,
/// its own methods) already taken.
fn method_scopes(paths: &BTreeSet<Vec<String>>) -> BTreeMap<Vec<String>, Scope> {
    let mut scopes: BTreeMap<Vec<String>, Scope> = BTreeMap::new();
    let root = scopes.entry(Vec::new()).or_default();
    for name in CLIENT_METHODS {
        root.claim(name);
    }
    for path in paths {
        let parent: Vec<String> = path
            .iter()
            .take(path.len().saturating_sub(1))
            .cloned()
            .collect();
        if let Some(last) = path.last() {
            scopes.entry(parent).or_default().claim(last);
        }
    }
    scopes
}

/// How many different resources must follow `owner/{param}` for `owner` to be a scope
/// rather than a resource of its own.
const OWNER_SCOPE: usize = 3;

/// Leaves out of path-derived resource chains a leading owner scope: `accounts` in
/// `/accounts/{account_id}/storage/kv/…` when many different resources follow
/// `/accounts/{…}/` across the spec (Cloudflare's accounts and zones). Grouped under their
/// owner, a whole API would be two or three modules (and features); grouped by what follows,
/// the groups are what the API offers. A parent with few children (`/users/{id}/posts`)
/// stays in the chain.
fn strip_owners(ops: &mut [Operation]) {
    let mut children: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in ops.iter().filter(|op| op.resource_from_path) {
        if let Some((owner, next)) = owner_and_next(&op.segments) {
            children.entry(owner).or_default().insert(next);
        }
    }
    for op in ops.iter_mut().filter(|op| op.resource_from_path) {
        let Some((owner, _)) = owner_and_next(&op.segments) else {
            continue;
        };
        let scope = children.get(&owner).is_some_and(|c| c.len() >= OWNER_SCOPE);
        if scope && op.resource.len() > 1 {
            op.resource.remove(0);
        }
    }
}

/// For a path `/owner/{param}/next/…`: the owner and the literal after its parameter.
fn owner_and_next(segments: &[PathPart]) -> Option<(String, String)> {
    let mut pieces: Vec<Option<&str>> = Vec::new();
    for part in segments {
        match part {
            PathPart::Literal(text) => {
                pieces.extend(text.split('/').filter(|s| !s.is_empty()).map(Some))
            }
            PathPart::Param(_) => pieces.push(None),
        }
    }
    match pieces.as_slice() {
        [Some(owner), None, Some(next), ..] => Some(((*owner).to_owned(), (*next).to_owned())),
        _ => None,
    }
}

/// The literal path segments, e.g. `/accounts/{id}/storage/kv` → `accounts.storage.kv`.
fn path_resource(segments: &[PathPart]) -> Vec<String> {
    segments
        .iter()
        .filter_map(|s| match s {
            PathPart::Literal(text) => Some(text),
            PathPart::Param(_) => None,
        })
        .flat_map(|text| text.split('/'))
        .filter(|s| !s.is_empty())
        .map(naming::field_name)
        .collect()
}

/// A method name from the HTTP method: collections are listed, items got.
fn verb(method: HttpMethod, segments: &[PathPart]) -> &'static str {
    let on_item = matches!(segments.last(), Some(PathPart::Param(_)));
    match method {
        HttpMethod::Get if on_item => "get",
        HttpMethod::Get => "list",
        HttpMethod::Put => "update",
        HttpMethod::Post => "create",
        HttpMethod::Patch => "edit",
        HttpMethod::Delete => "delete",
        HttpMethod::Head => "head",
        HttpMethod::Options => "options",
        HttpMethod::Trace => "trace",
    }
}
