//! Structurally identical types become one ([`crate::Config::merge_identical_types`], on by
//! default; a pass over the lowered model).
//!
//! Large documents define the same shape under many names (Cloudflare's envelope pieces
//! `*_messages`, `*_api-response-common`, identifiers of every product…). Each would be its own
//! struct, `Deserialize` and checks; here every type whose definition is the same as an earlier
//! one's (same kind, members, variants, constraints, member docs, the name a newtype's or a
//! union's checks report errors under, and member types that are themselves the same) becomes an alias of one representative, so every name a user may know
//! still works and the code is written once.
//!
//! The representative is chosen deterministically: a component schema before an inline one,
//! then the first defined. Types on a reference cycle keep their own definition (their
//! equality would need a fixpoint, and they are few); types that refer to them compare them by
//! identity. Aliases and unfinished types are never merged. Cost is linear in the model's size:
//! one pass over the strongly connected components, successors first, each definition keyed
//! once.

use crate::model::{TypeDef, TypeId, TypeKind, TypeRef};
use std::collections::HashMap;

/// Merges structurally identical types in `types`; returns how many became aliases.
pub fn dedupe(types: &mut [TypeDef]) -> usize {
    let succ: Vec<Vec<usize>> = types.iter().map(successors).collect();
    let components = strongly_connected(&succ);

    // The class of each type: an index into `members`. Successors are classed first.
    let mut class: Vec<usize> = vec![usize::MAX; types.len()];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for component in &components {
        let cyclic = match component.as_slice() {
            [one] => succ.get(*one).is_some_and(|s| s.contains(one)),
            _ => true,
        };
        for &id in component {
            let key = if cyclic {
                None
            } else {
                types.get(id).and_then(|def| key_of(def, &class))
            };
            let found = key.as_ref().and_then(|k| by_key.get(k).copied());
            let c = match found {
                Some(c) => c,
                None => {
                    let c = members.len();
                    members.push(Vec::new());
                    if let Some(k) = key {
                        by_key.insert(k, c);
                    }
                    c
                }
            };
            if let (Some(slot), Some(list)) = (class.get_mut(id), members.get_mut(c)) {
                *slot = c;
                list.push(id);
            }
        }
    }

    let mut merged = 0;
    for list in members.iter().filter(|m| m.len() > 1) {
        let Some(&rep) = list.iter().min_by_key(|&&id| {
            let component = types.get(id).is_some_and(|d| is_component(&d.pointer));
            (!component, id)
        }) else {
            continue;
        };
        let Some(rep_name) = types.get(rep).map(|d| d.name.clone()) else {
            continue;
        };
        for &id in list.iter().filter(|&&id| id != rep) {
            if let Some(def) = types.get_mut(id) {
                def.kind = TypeKind::Alias(TypeRef::Named(TypeId(rep)));
                def.docs.notes.push(format!(
                    "The same type as `{rep_name}`: its schema is identical."
                ));
                merged += 1;
            }
        }
    }
    merged
}

/// True when `pointer` is a schema of `components/schemas` itself, not one inside it.
fn is_component(pointer: &str) -> bool {
    pointer
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| !name.contains('/'))
}

/// The key two types share exactly when they are the same type: the definition with names,
/// pointer and own docs left out, and every named type replaced by its class. `None` for
/// types never merged.
fn key_of(def: &TypeDef, class: &[usize]) -> Option<String> {
    let mut kind = def.kind.clone();
    match &mut kind {
        TypeKind::Struct(s) => {
            for f in &mut s.fields {
                classed(&mut f.ty, class);
            }
            if let Some(extra) = &mut s.additional {
                classed(extra, class);
            }
        }
        TypeKind::Union(u) => {
            for v in &mut u.variants {
                classed(&mut v.ty, class);
            }
        }
        // An inline newtype is no item of its own (its checks are written where it is used):
        // nothing to share.
        TypeKind::Newtype(_) if !is_component(&def.pointer) => return None,
        TypeKind::Newtype(n) => classed(&mut n.base, class),
        TypeKind::Enum(_) => {}
        TypeKind::Alias(_) | TypeKind::Pending => return None,
    }
    // A newtype's and a union's checks report their errors under the type's own name.
    let named = matches!(kind, TypeKind::Newtype(_) | TypeKind::Union(_));
    let reported = if named { def.wire_name.as_str() } else { "" };
    Some(format!("{reported:?} {kind:?}"))
}

/// `ty` with each named type replaced by its class (an index standing in for the type).
fn classed(ty: &mut TypeRef, class: &[usize]) {
    match ty {
        TypeRef::Named(id) => {
            let c = class.get(id.0).copied().unwrap_or(usize::MAX);
            *id = TypeId(c);
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            classed(inner, class)
        }
        _ => {}
    }
}

/// The named types a definition refers to directly.
fn successors(def: &TypeDef) -> Vec<usize> {
    let mut out = Vec::new();
    let mut push = |ty: &TypeRef| named_in(ty, &mut out);
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|f| push(&f.ty));
            s.additional.iter().for_each(&mut push);
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| push(&v.ty)),
        TypeKind::Newtype(n) => push(&n.base),
        TypeKind::Alias(t) => push(t),
        TypeKind::Enum(_) | TypeKind::Pending => {}
    }
    out
}

fn named_in(ty: &TypeRef, out: &mut Vec<usize>) {
    let mut current = ty;
    loop {
        match current {
            TypeRef::Named(id) => {
                out.push(id.0);
                return;
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                current = inner
            }
            _ => return,
        }
    }
}

/// Tarjan's algorithm without recursion: the strongly connected components of the graph
/// `succ`, each listed after every component it reaches.
fn strongly_connected(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = succ.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut next = 0usize;
    // (node, position in its successor list)
    let mut calls: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index.get(root) != Some(&UNSEEN) {
            continue;
        }
        calls.push((root, 0));
        while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
            if *pos == 0 {
                set(&mut index, v, next);
                set(&mut low, v, next);
                next += 1;
                stack.push(v);
                set(&mut on_stack, v, true);
            }
            let edges = succ.get(v).map(Vec::as_slice).unwrap_or_default();
            if let Some(&w) = edges.get(*pos) {
                *pos += 1;
                if w >= n {
                    continue;
                }
                if index.get(w) == Some(&UNSEEN) {
                    calls.push((w, 0));
                } else if on_stack.get(w) == Some(&true) {
                    let m = low.get(v).copied().min(index.get(w).copied());
                    if let Some(m) = m {
                        set(&mut low, v, m);
                    }
                }
                continue;
            }
            // Every successor seen: close `v`, then report its low link to its caller.
            calls.pop();
            let (v_low, v_index) = (low.get(v).copied(), index.get(v).copied());
            if v_low == v_index {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    set(&mut on_stack, w, false);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.reverse();
                out.push(component);
            }
            if let (Some(&(caller, _)), Some(v_low)) = (calls.last(), v_low) {
                if let Some(c) = low.get(caller).copied() {
                    set(&mut low, caller, c.min(v_low));
                }
            }
        }
    }
    out
}

fn set<T>(list: &mut [T], at: usize, value: T) {
    if let Some(slot) = list.get_mut(at) {
        *slot = value;
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Docs, Enum, EnumVariant, Field, Struct};

    fn def(name: &str, pointer: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            wire_name: name.into(),
            pointer: pointer.into(),
            docs: Docs::default(),
            kind,
        }
    }

    fn object(fields: &[(&str, TypeRef)]) -> TypeKind {
        TypeKind::Struct(Struct {
            fields: fields
                .iter()
                .map(|(name, ty)| Field {
                    name: (*name).into(),
                    wire_name: (*name).into(),
                    ty: ty.clone(),
                    required: true,
                    docs: Docs::default(),
                })
                .collect(),
            additional: None,
        })
    }

    fn colors() -> TypeKind {
        TypeKind::Enum(Enum {
            variants: vec![EnumVariant {
                name: "Red".into(),
                wire: "red".into(),
            }],
        })
    }

    fn named(id: usize) -> TypeRef {
        TypeRef::Named(TypeId(id))
    }

    #[test]
    fn identical_types_become_aliases_of_the_component_defined_first() {
        let mut types = vec![
            def("InlineColor", "#/paths/~1a/get/x", colors()),
            def("Color", "#/components/schemas/Color", colors()),
            def("Paint", "#/components/schemas/Paint", colors()),
            def("A", "#/components/schemas/A", object(&[("c", named(0))])),
            def("B", "#/components/schemas/B", object(&[("c", named(2))])),
            def(
                "C",
                "#/components/schemas/C",
                object(&[("c", TypeRef::String)]),
            ),
        ];
        assert_eq!(dedupe(&mut types), 3);
        assert_eq!(types[0].kind, TypeKind::Alias(named(1)));
        assert_eq!(types[1].kind, colors());
        assert_eq!(types[2].kind, TypeKind::Alias(named(1)));
        // A and B hold identical types under different names: identical too.
        assert_eq!(types[4].kind, TypeKind::Alias(named(3)));
        assert!(matches!(types[5].kind, TypeKind::Struct(_)));
        assert_eq!(
            types[0].docs.notes,
            ["The same type as `Color`: its schema is identical."]
        );
    }

    #[test]
    fn types_on_a_cycle_keep_their_own_definition() {
        let mut types = vec![
            def("A", "#/components/schemas/A", object(&[("next", named(0))])),
            def("B", "#/components/schemas/B", object(&[("next", named(1))])),
            def("X", "#/components/schemas/X", object(&[("a", named(0))])),
            def("Y", "#/components/schemas/Y", object(&[("a", named(0))])),
        ];
        assert_eq!(dedupe(&mut types), 1);
        assert!(matches!(types[0].kind, TypeKind::Struct(_)));
        assert!(matches!(types[1].kind, TypeKind::Struct(_)));
        assert_eq!(types[3].kind, TypeKind::Alias(named(2)));
    }

    #[test]
    fn a_long_chain_is_classed_without_recursion() {
        let n = 200_000;
        let mut types: Vec<TypeDef> = (0..n)
            .map(|i| {
                let next = if i + 1 < n {
                    named(i + 1)
                } else {
                    TypeRef::String
                };
                def(&format!("T{i}"), "#/x", object(&[("n", next)]))
            })
            .collect();
        // Every link is a distinct depth, so nothing merges; the point is no stack overflow.
        assert_eq!(dedupe(&mut types), 0);
        let components = strongly_connected(&types.iter().map(successors).collect::<Vec<_>>());
        assert_eq!(components.len(), n);
        assert_eq!(components[0], vec![n - 1]);
    }
}
