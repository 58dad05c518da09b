//! Type references as tokens, and the questions emitters ask about types.

use super::Emitter;
use crate::model::{IntWidth, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

impl Emitter<'_> {
    /// The type used in structs, parameters and unions: constrained newtypes appear as their
    /// base type, so that answers are never refused for breaking a constraint; the checks run
    /// on requests only.
    pub fn lenient(&self, ty: &TypeRef) -> TokenStream {
        self.lenient_in(ty, &mut Vec::new())
    }

    /// [`Self::lenient`] inside the definition of newtype `owner`: a newtype that contains
    /// itself (`S(Vec<S>)`) keeps its own name there instead of unfolding forever.
    pub fn lenient_within(&self, ty: &TypeRef, owner: TypeId) -> TokenStream {
        self.lenient_in(ty, &mut vec![owner])
    }

    fn lenient_in(&self, ty: &TypeRef, unfolding: &mut Vec<TypeId>) -> TokenStream {
        let rt = &self.rt;
        match ty {
            TypeRef::Named(id) => match self.def(*id).map(|d| &d.kind) {
                Some(TypeKind::Newtype(n)) if !unfolding.contains(id) => {
                    unfolding.push(*id);
                    let base = self.lenient_in(&n.base, unfolding);
                    unfolding.pop();
                    base
                }
                Some(TypeKind::Alias(inner)) if self.is_newtype(inner) => {
                    self.lenient_in(inner, unfolding)
                }
                _ => self.type_path(*id),
            },
            TypeRef::String => quote!(String),
            TypeRef::Binary => quote!(#rt::Binary),
            TypeRef::Integer(IntWidth::I32) => quote!(i32),
            TypeRef::Integer(IntWidth::I64) => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Json => quote!(serde_json::Value),
            TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
            TypeRef::Array(item) => {
                let item = self.lenient_in(item, unfolding);
                quote!(Vec<#item>)
            }
            TypeRef::Map(value) => {
                let value = self.lenient_in(value, unfolding);
                quote!(std::collections::BTreeMap<String, #value>)
            }
            TypeRef::Nullable(inner) => {
                let inner = self.lenient_in(inner, unfolding);
                quote!(Option<#inner>)
            }
        }
    }

    /// `expr` (a value of `ty`) converted into the runtime's `Binary`, without a no-op `into`.
    pub fn binary_expr(&self, expr: TokenStream, ty: &TypeRef) -> TokenStream {
        if matches!(self.resolved(ty), TypeRef::Binary) {
            expr
        } else {
            quote!(#expr.into())
        }
    }

    /// `#[allow(clippy::type_complexity)]` when one of `types` nests containers three deep
    /// (`Option<Vec<BTreeMap<…>>>`): that is the spec's shape, spelled out in place.
    pub fn allow_complex<'t>(&self, types: impl IntoIterator<Item = &'t TypeRef>) -> TokenStream {
        // Two deep plus the `Option` of an optional member is already three.
        if types.into_iter().any(|t| self.container_depth(t, 8) >= 2) {
            quote!(#[allow(clippy::type_complexity)])
        } else {
            TokenStream::new()
        }
    }

    /// How many containers (`Option`, `Vec`, maps) the lenient spelling of `ty` nests; newtypes
    /// are spelled as their base, so they count through. `budget` bounds recursive newtypes.
    fn container_depth(&self, ty: &TypeRef, budget: u8) -> usize {
        let Some(budget) = budget.checked_sub(1) else {
            return 0;
        };
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                1 + self.container_depth(inner, budget)
            }
            TypeRef::Named(_) => match self
                .newtype_of(ty)
                .and_then(|id| self.def(id))
                .map(|d| &d.kind)
            {
                Some(TypeKind::Newtype(n)) => self.container_depth(&n.base, budget),
                _ => 0,
            },
            _ => 0,
        }
    }

    /// True when the struct `id` can derive `Default`: every member that is not an `Option`
    /// has a default of its own. `budget` bounds the walk through nested structs.
    pub fn struct_has_default(&self, id: TypeId, budget: u8) -> bool {
        let Some(budget) = budget.checked_sub(1) else {
            return false;
        };
        let Some(TypeKind::Struct(s)) = self.def(id).map(|d| &d.kind) else {
            return false;
        };
        s.fields
            .iter()
            .all(|f| self.model.member_holding(id, f).optional || self.has_default(&f.ty, budget))
    }

    /// True when the lenient spelling of `ty` implements `Default`.
    fn has_default(&self, ty: &TypeRef, budget: u8) -> bool {
        match self.resolved(ty) {
            TypeRef::Named(id) => self.struct_has_default(*id, budget),
            TypeRef::Binary => false,
            _ => true,
        }
    }

    /// True when values of `ty` are `Option`s: nullable, directly or through aliases.
    pub fn is_optional(&self, ty: &TypeRef) -> bool {
        let mut current = ty;
        for _ in 0..64 {
            match current {
                TypeRef::Nullable(_) => return true,
                TypeRef::Named(id) => match self.def(*id).map(|d| &d.kind) {
                    Some(TypeKind::Alias(next)) => current = next,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    /// True when `id` is a constrained newtype written as an item of its own.
    pub fn is_named_newtype(&self, id: TypeId) -> bool {
        matches!(self.def(id).map(|d| &d.kind), Some(TypeKind::Newtype(_)))
            && super::newtype::is_named(self, id)
    }

    /// [`Self::resolved`], and inside containers every alias replaced by what it names: two
    /// types with the same result are the same Rust type (`Vec<Alias>` is `Vec<Target>`).
    pub fn unaliased(&self, ty: &TypeRef) -> TypeRef {
        self.unaliased_in(self.resolved(ty), 64)
    }

    fn unaliased_in(&self, ty: &TypeRef, budget: u8) -> TypeRef {
        let Some(budget) = budget.checked_sub(1) else {
            return ty.clone();
        };
        let inner = |t: &TypeRef| Box::new(self.unaliased_in(self.resolved_alias(t), budget));
        match ty {
            TypeRef::Array(t) => TypeRef::Array(inner(t)),
            TypeRef::Map(t) => TypeRef::Map(inner(t)),
            TypeRef::Nullable(t) => TypeRef::Nullable(inner(t)),
            other => other.clone(),
        }
    }

    /// `ty` through any chain of aliases (not newtypes), its nullability kept.
    pub(super) fn resolved_alias<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut current = ty;
        for _ in 0..64 {
            let TypeRef::Named(id) = current else {
                return current;
            };
            match self.def(*id).map(|d| &d.kind) {
                Some(TypeKind::Alias(next)) => current = next,
                _ => return current,
            }
        }
        current
    }

    /// True when `ty` is (an alias of) a constrained newtype.
    pub fn is_newtype(&self, ty: &TypeRef) -> bool {
        self.newtype_of(ty).is_some()
    }

    /// The newtype behind `ty`, following aliases.
    pub fn newtype_of(&self, ty: &TypeRef) -> Option<TypeId> {
        let mut current = ty;
        for _ in 0..64 {
            let TypeRef::Named(id) = current else {
                return None;
            };
            match self.def(*id).map(|d| &d.kind) {
                Some(TypeKind::Newtype(_)) => return Some(*id),
                Some(TypeKind::Alias(next)) => current = next,
                _ => return None,
            }
        }
        None
    }

    /// The type with aliases and nullability removed: what the value is made of.
    pub fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        crate::model::resolve(&self.model.types, ty)
    }

    /// True when `ty`'s lenient representation is `String`.
    pub fn is_text(&self, ty: &TypeRef) -> bool {
        crate::model::is_text(&self.model.types, ty)
    }

    /// True when `ty` is text, binary, or a union of them: sent as raw bytes.
    pub fn is_bytes_like(&self, ty: &TypeRef) -> bool {
        crate::model::is_bytes_like(&self.model.types, ty)
    }

    /// True when `ty` is a scalar written as one piece of text (query, header, form field).
    pub fn is_scalar(&self, ty: &TypeRef) -> bool {
        crate::model::is_scalar(&self.model.types, ty)
    }

    /// True when a value of `ty` can hold a [`TypeRef::Binary`], which has no `PartialEq`.
    pub fn holds_binary(&self, ty: &TypeRef) -> bool {
        let mut seen = BTreeSet::new();
        self.holds_binary_in(ty, &mut seen)
    }

    fn holds_binary_in(&self, ty: &TypeRef, seen: &mut BTreeSet<TypeId>) -> bool {
        match ty {
            TypeRef::Binary => true,
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => {
                self.holds_binary_in(t, seen)
            }
            TypeRef::Named(id) => {
                seen.insert(*id)
                    && self
                        .model
                        .refs_of(*id)
                        .iter()
                        .any(|t| self.holds_binary_in(t, seen))
            }
            _ => false,
        }
    }

    /// True when `ty` holds `owner` without indirection (so the field must be boxed).
    pub fn contains_directly(&self, ty: &TypeRef, owner: TypeId) -> bool {
        self.model.contains_directly(ty, owner)
    }
}
