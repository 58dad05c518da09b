//! Phase 2: `openapiv3::OpenAPI` → [`Model`]. One small function per schema shape.

mod combinator;
mod constraints;
mod dedupe;
mod info;
pub(crate) mod leave_out;
mod merge;
mod object;
mod operation;
mod params;
mod predicates;
mod primitive;
mod raw_body;
mod resources;
mod responses;
mod schema;
mod siblings;
mod untyped;

pub use dedupe::dedupe as merge_identical;
pub use info::override_env_prefix;

use crate::diagnostics::{join, Diagnostics};
use crate::model::{ApiInfo, Docs, Model, TypeDef, TypeId, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use openapiv3::OpenAPI;
use std::collections::BTreeMap;

/// Where a schema sits and what an inline type found there should be called.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    /// JSON pointer of the schema.
    pub pointer: String,
    /// `UpperCamelCase` name for a type defined here.
    pub name: String,
    /// The name used in validation messages (a schema, property or parameter name).
    pub wire: String,
}

impl Ctx {
    /// A context one level down: `token` extends the pointer, `name` extends the type name.
    pub fn child(&self, token: &str, name: &str, wire: &str) -> Ctx {
        Ctx {
            pointer: join(&self.pointer, token),
            name: format!("{}{}", self.name, naming::type_name(name)),
            wire: wire.to_owned(),
        }
    }

    /// The same names at another pointer.
    pub fn at(&self, pointer: String) -> Ctx {
        Ctx {
            pointer,
            name: self.name.clone(),
            wire: self.wire.clone(),
        }
    }
}

/// State of the lowering pass.
pub(crate) struct Lowerer<'a> {
    pub doc: &'a OpenAPI,
    pub diags: &'a mut Diagnostics,
    pub types: Vec<TypeDef>,
    /// Component references already lowered (or being lowered), by `$ref` text.
    pub by_ref: BTreeMap<String, TypeRef>,
    /// Every type name in the generated module.
    pub names: Scope,
    /// Pointers of the inline schemas being lowered, innermost last (to catch cycles that
    /// `allOf` merging creates by re-reading a component's properties).
    pub in_progress: Vec<String>,
    /// Path parameters made client defaults by configuration.
    pub client_defaults: Vec<String>,
    /// Named types whose own schema had an error, with the first one: operations that use
    /// them are left out.
    pub tainted: BTreeMap<TypeId, crate::diagnostics::Diagnostic>,
}

impl<'a> Lowerer<'a> {
    /// Adds a named type; its name is claimed from `hint`.
    pub fn define(
        &mut self,
        hint: &str,
        wire: &str,
        pointer: &str,
        docs: Docs,
        kind: TypeKind,
    ) -> TypeId {
        let name = self.names.claim(hint);
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            wire_name: wire.to_owned(),
            pointer: pointer.to_owned(),
            docs,
            kind,
        });
        id
    }

    /// Replaces the kind of a reserved type.
    pub fn fill(&mut self, id: TypeId, kind: TypeKind, docs: Docs) {
        if let Some(def) = self.types.get_mut(id.0) {
            def.kind = kind;
            def.docs = docs;
        }
    }
}

/// Lowers a whole document. Problems go into `diags`; operations that cannot be generated
/// are left out of the model (each with an error) and listed beside it.
pub fn lower(
    doc: &OpenAPI,
    client_defaults: &[String],
    diags: &mut Diagnostics,
) -> (Model, Vec<crate::LeftOut>) {
    let mut lowerer = Lowerer {
        doc,
        diags,
        types: Vec::new(),
        by_ref: BTreeMap::new(),
        in_progress: Vec::new(),
        client_defaults: client_defaults.to_vec(),
        names: Scope::for_types(),
        tainted: BTreeMap::new(),
    };
    lowerer.lower_components();
    let lowered = lowerer.lower_operations();
    lowerer.check_alias_cycles();
    lowerer.name_recursive_aliases();
    let (operations, left_out) = lowerer.keep_generable(lowered);
    let resources = resources::assign(&mut lowerer, operations);
    let api = ApiInfo {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        base_url: doc.servers.first().map(|s| s.url.clone()),
        doc_crate: operation::doc_crate(doc),
        group_features: operation::group_features(doc),
        env_prefix: info::env_prefix(&doc.info, lowerer.diags),
    };
    let (operations, resources) = resources;
    let model = Model {
        api,
        types: lowerer.types,
        operations,
        resources,
    };
    (model, left_out)
}

impl Lowerer<'_> {
    /// Lowers every schema in `components/schemas`, in document order.
    fn lower_components(&mut self) {
        let Some(components) = self.doc.components.as_ref() else {
            return;
        };
        for name in components.schemas.keys() {
            let reference = format!(
                "#/components/schemas/{}",
                crate::diagnostics::escape_token(name)
            );
            self.lower_component(&reference);
        }
    }
}

impl Lowerer<'_> {
    /// A schema that is only a `$ref` to itself (directly or through other such schemas)
    /// describes no value at all; report it, and make it any JSON so later passes terminate.
    fn check_alias_cycles(&mut self) {
        for start in 0..self.types.len() {
            if self.alias_cycle_from(TypeId(start)) {
                let (name, pointer) = match self.types.get(start) {
                    Some(def) => (def.wire_name.clone(), def.pointer.clone()),
                    None => continue,
                };
                let message =
                    format!("schema `{name}` is only a reference to itself: it describes no value");
                self.diags.error(
                    crate::diagnostics::Kind::Invalid,
                    pointer.clone(),
                    message.clone(),
                );
                self.tainted
                    .entry(TypeId(start))
                    .or_insert(crate::diagnostics::Diagnostic {
                        severity: crate::diagnostics::Severity::Error,
                        kind: crate::diagnostics::Kind::Invalid,
                        pointer,
                        message,
                    });
                if let Some(def) = self.types.get_mut(start) {
                    def.kind = TypeKind::Alias(TypeRef::Json);
                }
            }
        }
    }

    /// An alias that holds itself through a list, map, `null` or a newtype's base (`s: {type:
    /// array, items: {$ref: s}}`) would be an infinite Rust type alias; it becomes a newtype.
    fn name_recursive_aliases(&mut self) {
        for index in 0..self.types.len() {
            let id = TypeId(index);
            let Some(TypeKind::Alias(target)) = self.types.get(index).map(|d| d.kind.clone())
            else {
                continue;
            };
            if self.reaches(&target, id, &mut Vec::new()) {
                if let Some(def) = self.types.get_mut(index) {
                    def.kind = TypeKind::Newtype(crate::model::Newtype {
                        base: target,
                        constraints: Vec::new(),
                    });
                }
            }
        }
    }

    /// True when `ty` leads back to `start` through containers and aliases only.
    fn reaches(&self, ty: &TypeRef, start: TypeId, seen: &mut Vec<TypeId>) -> bool {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                self.reaches(inner, start, seen)
            }
            TypeRef::Named(id) if *id == start => true,
            TypeRef::Named(id) if !seen.contains(id) => {
                seen.push(*id);
                // The emitter writes newtypes as their base type inside other types, so a
                // newtype is no barrier; structs, enums and unions are.
                match self.types.get(id.0).map(|d| &d.kind) {
                    Some(TypeKind::Alias(next)) => self.reaches(next, start, seen),
                    Some(TypeKind::Newtype(n)) => self.reaches(&n.base, start, seen),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn alias_cycle_from(&self, start: TypeId) -> bool {
        let mut current = start;
        for _ in 0..=self.types.len() {
            match self.types.get(current.0).map(|d| &d.kind) {
                Some(TypeKind::Alias(next)) => match next.non_null() {
                    TypeRef::Named(id) if *id == start => return true,
                    TypeRef::Named(id) => current = *id,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    /// Every module of `lower/` with its source, for the layering test.
    const SOURCES: &[(&str, &str)] = &[
        ("combinator", include_str!("combinator.rs")),
        ("constraints", include_str!("constraints.rs")),
        ("dedupe", include_str!("dedupe.rs")),
        ("info", include_str!("info.rs")),
        ("leave_out", include_str!("leave_out.rs")),
        ("merge", include_str!("merge.rs")),
        ("object", include_str!("object.rs")),
        ("operation", include_str!("operation.rs")),
        ("params", include_str!("params.rs")),
        ("predicates", include_str!("predicates.rs")),
        ("primitive", include_str!("primitive.rs")),
        ("raw_body", include_str!("raw_body.rs")),
        ("resources", include_str!("resources.rs")),
        ("responses", include_str!("responses.rs")),
        ("schema", include_str!("schema.rs")),
        ("siblings", include_str!("siblings.rs")),
        ("untyped", include_str!("untyped.rs")),
    ];

    /// The sibling modules `source` names (`super::object::…`, `crate::lower::object::…`).
    fn siblings_named(source: &str) -> Vec<&'static str> {
        SOURCES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| {
                source.contains(&format!("super::{name}::"))
                    || source.contains(&format!("crate::lower::{name}::"))
            })
            .collect()
    }

    /// True when following the sibling imports from `at` comes back to `start`.
    fn reaches(at: &str, start: &str, path: &mut Vec<String>) -> bool {
        let Some((_, source)) = SOURCES.iter().find(|(name, _)| *name == at) else {
            return false;
        };
        for next in siblings_named(source) {
            if next == start {
                path.push(next.to_owned());
                return true;
            }
            if !path.iter().any(|p| p == next) {
                path.push(next.to_owned());
                if reaches(next, start, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }

    #[test]
    fn every_module_of_lower_is_listed() {
        let mut found: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lower"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
                .filter(|name| name != "mod")
                .collect();
        found.sort();
        let listed: Vec<&str> = SOURCES.iter().map(|(name, _)| *name).collect();
        assert_eq!(found, listed);
    }

    /// The passes of `lower/` form layers: no module imports, directly or through others, a
    /// module that imports it (issue 18: `combinator`, `merge` and `object` did).
    #[test]
    fn the_modules_of_lower_import_each_other_in_no_cycle() {
        for (name, _) in SOURCES {
            let mut path = vec![name.to_string()];
            assert!(
                !reaches(name, name, &mut path),
                "import cycle: {}",
                path.join(" → ")
            );
        }
    }
}
