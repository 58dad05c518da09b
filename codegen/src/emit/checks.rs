//! Validation code: the statements that check a value against its type's constraints.

use super::Emitter;
use crate::model::{Constraint, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

impl Emitter<'_> {
    /// True when values of `ty` have rules to check, here or inside.
    pub fn has_checks(&self, ty: &TypeRef) -> bool {
        self.has_checks_in(ty, &mut BTreeSet::new())
    }

    fn has_checks_in(&self, ty: &TypeRef, seen: &mut BTreeSet<TypeId>) -> bool {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => {
                self.has_checks_in(t, seen)
            }
            TypeRef::Named(id) => {
                if !seen.insert(*id) {
                    return false;
                }
                match self.def(*id).map(|d| &d.kind) {
                    Some(TypeKind::Newtype(_)) => true,
                    Some(TypeKind::Union(u)) => {
                        !u.constraints.is_empty()
                            || u.variants.iter().any(|v| self.has_checks_in(&v.ty, seen))
                    }
                    Some(TypeKind::Struct(s)) => {
                        s.fields.iter().any(|f| self.has_checks_in(&f.ty, seen))
                    }
                    Some(TypeKind::Alias(t)) => self.has_checks_in(t, seen),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The type inside `ty` when `ty` is `Option`-valued itself (nullable, or an alias of a
    /// nullable type).
    fn optional_inside<'t>(&'t self, ty: &'t TypeRef) -> Option<&'t TypeRef> {
        match ty {
            TypeRef::Nullable(inner) => Some(inner),
            TypeRef::Named(id) => match self.def(*id).map(|d| &d.kind) {
                Some(TypeKind::Alias(TypeRef::Nullable(inner))) => Some(inner),
                Some(TypeKind::Alias(next @ TypeRef::Named(_))) => self.optional_inside(next),
                _ => None,
            },
            _ => None,
        }
    }

    /// Statements that check `value` (an expression of type `&T`, `T` the lenient type of `ty`).
    /// With `rename`, errors name that field instead of the type.
    pub fn check_stmts(
        &self,
        ty: &TypeRef,
        value: TokenStream,
        rename: Option<&str>,
    ) -> TokenStream {
        let tail = match rename {
            Some(wire) => quote!(.map_err(|e| e.at(#wire))?;),
            None => quote!(?;),
        };
        match ty {
            TypeRef::Nullable(inner) if self.has_checks(inner) => {
                // `Option<Alias>` where the alias is itself an `Option`: one pattern, not two
                // nested `if let`s.
                let mut pattern = quote!(Some(value));
                let mut ty = inner.as_ref();
                while let Some(next) = self.optional_inside(ty) {
                    pattern = quote!(Some(#pattern));
                    ty = next;
                }
                let body = self.check_stmts(ty, quote!(value), rename);
                quote! { if let #pattern = #value { #body } }
            }
            TypeRef::Array(item) if self.has_checks(item) => match self.optional_inside(item) {
                // A list of optional items: skip the absent ones.
                Some(inner) => {
                    let body = self.check_stmts(inner, quote!(value), rename);
                    quote! { for value in IntoIterator::into_iter(#value).flatten() { #body } }
                }
                None => {
                    let body = self.check_stmts(item, quote!(value), rename);
                    quote! { for value in #value { #body } }
                }
            },
            TypeRef::Map(item) if self.has_checks(item) => match self.optional_inside(item) {
                Some(inner) => {
                    let body = self.check_stmts(inner, quote!(value), rename);
                    quote! { for value in std::collections::BTreeMap::values(#value).flatten() { #body } }
                }
                None => {
                    let body = self.check_stmts(item, quote!(value), rename);
                    quote! { for value in std::collections::BTreeMap::values(#value) { #body } }
                }
            },
            TypeRef::Named(id) => self.named_check(*id, value, rename, tail),
            _ => TokenStream::new(),
        }
    }

    fn named_check(
        &self,
        id: TypeId,
        value: TokenStream,
        rename: Option<&str>,
        tail: TokenStream,
    ) -> TokenStream {
        if !self.has_checks(&TypeRef::Named(id)) {
            return TokenStream::new();
        }
        let name = self.type_path(id);
        match self.def(id).map(|d| &d.kind) {
            Some(TypeKind::Newtype(n)) if !super::newtype::is_named(self, id) => {
                super::newtype::inline_checks(self, id, n, value, rename)
            }
            Some(TypeKind::Newtype(n)) => match (rename, self.def(id)) {
                // Errors about the members keep the members' names; only the type's own
                // rules are renamed after the parameter.
                (Some(wire), Some(def))
                    if !super::newtype::inner_checks(self, id, n).is_empty() =>
                {
                    let own = def.wire_name.as_str();
                    quote! { #name::check(#value).map_err(|e| if e.field() == #own { e.at(#wire) } else { e })?; }
                }
                _ => quote! { #name::check(#value) #tail },
            },
            Some(TypeKind::Alias(inner)) => self.check_stmts(inner, value, rename),
            Some(TypeKind::Union(_)) => quote! { #name::check(#value) #tail },
            // A struct's errors name its own fields.
            Some(TypeKind::Struct(_)) => quote! { #name::check(#value)?; },
            _ => TokenStream::new(),
        }
    }

    /// One constraint on a value of `base` held in `value` (a reference), reported as `field`.
    pub fn constraint_stmt(
        &self,
        c: &Constraint,
        base: &TypeRef,
        field: &str,
        value: &TokenStream,
    ) -> TokenStream {
        let v = &self.rt;
        let binary = matches!(self.resolved(base), TypeRef::Binary);
        let len = if binary {
            quote!(#value.len())
        } else {
            quote!(#value.len() as u64)
        };
        let n = count_literal(c);
        match c {
            Constraint::MaxChars(_) => quote! { #v::validate::max_chars(#field, #value, #n)?; },
            Constraint::MinChars(_) => quote! { #v::validate::min_chars(#field, #value, #n)?; },
            // Binary data has a size; text has bytes of UTF-8, and the messages say which.
            Constraint::MaxBytes(_) if binary => {
                quote! { #v::validate::max_size(#field, #len, #n)?; }
            }
            Constraint::MinBytes(_) if binary => {
                quote! { #v::validate::min_size(#field, #len, #n)?; }
            }
            Constraint::MaxBytes(_) => quote! { #v::validate::max_bytes(#field, #len, #n)?; },
            Constraint::MinBytes(_) => quote! { #v::validate::min_bytes(#field, #len, #n)?; },
            Constraint::MaxItems(_) => quote! { #v::validate::max_items(#field, #len, #n)?; },
            Constraint::MinItems(_) => quote! { #v::validate::min_items(#field, #len, #n)?; },
            Constraint::Minimum { bound, exclusive } => {
                let num = self.as_f64(base, value);
                let bound = f64_literal(*bound);
                quote! { #v::validate::minimum(#field, #num, #bound, #exclusive)?; }
            }
            Constraint::Maximum { bound, exclusive } => {
                let num = self.as_f64(base, value);
                let bound = f64_literal(*bound);
                quote! { #v::validate::maximum(#field, #num, #bound, #exclusive)?; }
            }
            Constraint::Pattern(p) => quote! {
                static PATTERN: #v::validate::Pattern = #v::validate::Pattern::new(#p);
                #v::validate::pattern(#field, #value, &PATTERN)?;
            },
            Constraint::Forbidden(values) => {
                quote! { #v::validate::forbidden(#field, #value, &[#(#values),*])?; }
            }
            Constraint::MaxJsonBytes(_) => {
                quote! { #v::validate::max_json_bytes(#field, #value, #n)?; }
            }
        }
    }

    /// A numeric value as `f64` for the bound checks.
    fn as_f64(&self, base: &TypeRef, value: &TokenStream) -> TokenStream {
        match self.resolved(base) {
            TypeRef::Number => quote!(*#value),
            _ => quote!(*#value as f64),
        }
    }
}

/// The count of a size rule as a plain literal (`512`, not `512u64`); zero for other rules.
fn count_literal(c: &Constraint) -> proc_macro2::Literal {
    let n = match c {
        Constraint::MaxChars(n)
        | Constraint::MinChars(n)
        | Constraint::MaxBytes(n)
        | Constraint::MinBytes(n)
        | Constraint::MaxItems(n)
        | Constraint::MinItems(n)
        | Constraint::MaxJsonBytes(n) => *n,
        _ => 0,
    };
    proc_macro2::Literal::u64_unsuffixed(n)
}

/// A bound as a plain float literal (`60.0`); `Literal` refuses non-finite values, which a
/// JSON number cannot hold anyway, so those are spelled as constants.
fn f64_literal(x: f64) -> TokenStream {
    if x.is_finite() {
        let literal = proc_macro2::Literal::f64_unsuffixed(x);
        quote!(#literal)
    } else if x > 0.0 {
        quote!(f64::INFINITY)
    } else if x < 0.0 {
        quote!(f64::NEG_INFINITY)
    } else {
        quote!(f64::NAN)
    }
}
