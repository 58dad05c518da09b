//! Named types: structs, string enums, unions, constrained newtypes and aliases.

use super::deserialize::Member;
use super::{docs, ident, Emitter};
use crate::model::{Enum, Field, Struct, TypeDef, TypeId, TypeKind, TypeRef, Union};
use crate::naming::Scope;
use proc_macro2::TokenStream;
use quote::quote;

impl Emitter<'_> {
    /// The types that get items of their own, sorted by name: all but the inline newtypes,
    /// which their owners check in place.
    pub fn emitted_types(&self) -> Vec<TypeId> {
        self.sorted_types()
            .into_iter()
            .filter(|(id, def)| {
                !matches!(def.kind, TypeKind::Newtype(_)) || super::newtype::is_named(self, *id)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// The items of `ids`, in that order, each gated by the features of the groups that use
    /// it when group features are on.
    pub fn type_items(&self, ids: &[TypeId]) -> TokenStream {
        let items = ids.iter().filter_map(|id| {
            let def = self.def(*id)?;
            let tokens = self.type_def(*id, def);
            let gate = self.gates.of_type(*id);
            Some(if gate.is_empty() {
                tokens
            } else {
                gate_items(tokens, gate)
            })
        });
        quote! { #(#items)* }
    }

    fn type_def(&self, id: TypeId, def: &TypeDef) -> TokenStream {
        let doc = docs::attrs(&def.docs, &format!("The `{}` schema.", def.wire_name));
        let body = match &def.kind {
            TypeKind::Struct(s) => self.struct_def(id, def, s),
            TypeKind::Enum(e) => self.enum_def(def, e),
            TypeKind::Union(u) => self.union_def(id, def, u),
            TypeKind::Newtype(n) => super::newtype::emit(self, id, def, n),
            TypeKind::Alias(target) => {
                let name = ident(&def.name);
                // Another name for a constrained newtype that is an item of its own is that
                // newtype (its checks included), not its lenient base.
                let target = match target {
                    TypeRef::Named(to) if self.is_named_newtype(*to) => self.type_path(*to),
                    _ => self.lenient(target),
                };
                quote! { pub type #name = #target; }
            }
            TypeKind::Pending => TokenStream::new(),
        };
        quote! { #doc #body }
    }

    fn struct_def(&self, id: TypeId, def: &TypeDef, s: &Struct) -> TokenStream {
        let name = ident(&def.name);
        let mut scope = Scope::default();
        for f in &s.fields {
            scope.claim(&f.name);
        }
        let (fields, members): (Vec<TokenStream>, Vec<Member>) =
            s.fields.iter().map(|f| self.field(id, f)).unzip();
        let extra = s.additional.as_ref().map(|ty| {
            let field = ident(&scope.claim("additional_properties"));
            (field, self.lenient(ty))
        });
        let additional = extra.as_ref().map(|(field, ty)| {
            quote! {
                /// Members the specification does not name.
                #[serde(flatten)]
                pub #field: std::collections::BTreeMap<String, #ty>,
            }
        });
        let all_types = s.fields.iter().map(|f| &f.ty).chain(s.additional.iter());
        let partial_eq =
            (!all_types.clone().any(|t| self.holds_binary(t))).then(|| quote!(PartialEq,));
        // `Default` where every member has one, so that a request item reads
        // `Item { key, value, ..Default::default() }`.
        let default = self.struct_has_default(id, 8).then(|| quote!(Default,));
        let derives = quote!(#[derive(Clone, Debug, #default #partial_eq serde::Serialize)]);
        let deserialize =
            self.struct_deserialize(&def.name, &members, extra.as_ref().map(|(field, _)| field));
        let check = self.struct_check(id, &name, s);
        let complexity = self.allow_complex(all_types);
        quote! {
            #derives
            #complexity
            pub struct #name {
                #(#fields)*
                #additional
            }
            #deserialize
            #check
        }
    }

    /// A member's declaration, and how `Deserialize` reads it.
    fn field(&self, owner: TypeId, f: &Field) -> (TokenStream, Member) {
        let doc = docs::attrs(
            &self.docs_with_rules(&f.docs, &f.ty),
            &format!("The `{}` member.", f.wire_name),
        );
        let name = ident(&f.name);
        let wire = &f.wire_name;
        let rename = (crate::naming::unraw(&f.name) != f.wire_name)
            .then(|| quote!(#[serde(rename = #wire)]));
        let held = self.model.member_holding(owner, f);
        let mut inner = self.lenient(held.value);
        if held.boxed {
            inner = quote!(Box<#inner>);
        }
        // A missing list or map reads as empty: answers are read leniently.
        let collection = matches!(
            held.value,
            TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::JsonObject
        ) || matches!(
            self.resolved(held.value),
            TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::JsonObject
        );
        // A required member that may be `null` is always written; an absent one is skipped.
        let (ty, attr, missing_is_error) = match (held.optional, f.required && !held.boxed) {
            (false, _) if collection => (inner, TokenStream::new(), false),
            (false, _) => (inner, TokenStream::new(), true),
            (true, true) => (quote!(Option<#inner>), TokenStream::new(), false),
            (true, false) => (
                quote!(Option<#inner>),
                quote!(#[serde(skip_serializing_if = "Option::is_none")]),
                false,
            ),
        };
        let member = Member {
            field: name.clone(),
            wire: f.wire_name.clone(),
            required: missing_is_error,
        };
        (quote! { #doc #rename #attr pub #name: #ty, }, member)
    }

    fn struct_check(&self, id: TypeId, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
        let stmts: Vec<TokenStream> = s
            .fields
            .iter()
            .filter(|f| self.has_checks(&f.ty))
            .map(|f| {
                let field = ident(&f.name);
                let ty = self.model.member_holding(id, f).checked();
                self.check_stmts(&ty, quote!(&self.#field), Some(&f.wire_name))
            })
            .collect();
        if stmts.is_empty() {
            return TokenStream::new();
        }
        let rt = &self.rt;
        quote! {
            impl #name {
                /// Checks every constrained member; the server stays the judge of the rest.
                pub fn check(&self) -> Result<(), #rt::ConstraintError> {
                    #(#stmts)*
                    Ok(())
                }
            }
        }
    }

    fn enum_def(&self, def: &TypeDef, e: &Enum) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&def.name);
        let variants = e.variants.iter().map(|v| {
            let var = ident(&v.name);
            let doc = format!(" `{}`", v.wire);
            quote! { #[doc = #doc] #var, }
        });
        let table = e.variants.iter().map(|v| {
            let var = ident(&v.name);
            let wire = &v.wire;
            quote! { #var = #wire, }
        });
        quote! {
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(#variants)*
                /// A value this version of the SDK does not know, kept as received.
                Other(String),
            }
            #rt::string_enum!(#name { #(#table)* });
        }
    }

    fn union_def(&self, id: TypeId, def: &TypeDef, u: &Union) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&def.name);
        let variants = u.variants.iter().map(|v| {
            let var = ident(&v.name);
            let ty = self.variant_type(id, &v.ty);
            let doc = variant_doc(self, &v.ty);
            quote! { #[doc = #doc] #var(#ty), }
        });
        let derives = if u.variants.iter().any(|v| self.holds_binary(&v.ty)) {
            quote!(#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)])
        } else {
            quote!(#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)])
        };
        let lint_allows = self.union_allows(def, u);
        let complexity = self.allow_complex(u.variants.iter().map(|v| &v.ty));
        let froms = self.union_froms(id, &name, u);
        let check = self.union_check(id, def, u);
        let binary_expr = self.is_bytes_like(&TypeRef::Named(id)).then(|| {
            let arms = u.variants.iter().map(|v| {
                let var = ident(&v.name);
                let convert = self.binary_expr(quote!(value), &v.ty);
                quote! { #name::#var(value) => #convert, }
            });
            quote! {
                impl From<#name> for #rt::Binary {
                    fn from(value: #name) -> Self {
                        match value { #(#arms)* }
                    }
                }
            }
        });
        quote! {
            #derives
            #complexity
            #[serde(untagged)]
            #lint_allows
            pub enum #name { #(#variants)* }
            #check
            #froms
            #binary_expr
        }
    }

    /// Lints a union's shape can trip: variant names that repeat each other or the enum's
    /// name (clippy counts three or more), and a variant that holds a whole struct inline.
    fn union_allows(&self, def: &TypeDef, u: &Union) -> TokenStream {
        let mut lints = Vec::new();
        let repeats = u
            .variants
            .iter()
            .any(|v| v.name.starts_with(&def.name) || v.name.ends_with(&def.name));
        if u.variants.len() >= 3 || repeats {
            lints.push(quote!(clippy::enum_variant_names));
        }
        let inline_struct = u.variants.iter().any(|v| match self.resolved(&v.ty) {
            TypeRef::Named(id) => matches!(
                self.def(*id).map(|d| &d.kind),
                Some(TypeKind::Struct(_) | TypeKind::Union(_))
            ),
            _ => false,
        });
        if inline_struct {
            lints.push(quote!(clippy::large_enum_variant));
        }
        if lints.is_empty() {
            TokenStream::new()
        } else {
            quote!(#[allow(#(#lints),*)])
        }
    }

    /// A variant's type; boxed when the union would otherwise contain itself.
    fn variant_type(&self, owner: TypeId, ty: &TypeRef) -> TokenStream {
        if !self.contains_directly(ty, owner) {
            return self.lenient(ty);
        }
        let inner = self.lenient(ty.non_null());
        if ty.is_nullable() {
            quote!(Option<Box<#inner>>)
        } else {
            quote!(Box<#inner>)
        }
    }

    /// `From` for each variant's type, plus `&str` for text and `Vec<u8>`/`Bytes` for binary.
    fn union_froms(&self, id: TypeId, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
        let mut seen: Vec<String> = Vec::new();
        // One row per source type: `Variant(Source)`, then the method that converts it.
        let mut rows = TokenStream::new();
        for v in &u.variants {
            let var = ident(&v.name);
            let ty = self.variant_type(id, &v.ty);
            // Aliases name the same Rust type, at any depth (`Vec<Alias>` is `Vec<Target>`):
            // compare what they resolve to.
            let resolved = self.lenient(&self.unaliased(&v.ty));
            let canonical = if self.contains_directly(&v.ty, id) {
                quote!(Box<#resolved>)
            } else {
                resolved
            };
            let mut sources = vec![(ty.clone(), TokenStream::new(), canonical.to_string())];
            // Conveniences for plain text and bytes; an optional variant takes its own type only.
            let plain = !self.is_optional(&v.ty);
            match self.resolved(&v.ty) {
                TypeRef::String if plain => sources.extend([
                    (quote!(&str), quote!(to_owned), "&str".to_owned()),
                    (quote!(&String), quote!(clone), "&String".to_owned()),
                    (
                        quote!(std::borrow::Cow<'_, str>),
                        quote!(into_owned),
                        "Cow<str>".to_owned(),
                    ),
                ]),
                TypeRef::Binary if plain => {
                    // Borrowed bytes are copied once, into the value that is sent.
                    let owned = [
                        (quote!(Vec<u8>), "Vec<u8>"),
                        (quote!(bytes::Bytes), "Bytes"),
                        (quote!(&[u8]), "&[u8]"),
                        (quote!(&Vec<u8>), "&Vec<u8>"),
                        (quote!(std::borrow::Cow<'_, [u8]>), "Cow<[u8]>"),
                    ];
                    sources.extend(
                        owned
                            .into_iter()
                            .map(|(ty, key)| (ty, quote!(into), key.to_owned())),
                    );
                }
                _ => {}
            }
            for (source, convert, key) in sources {
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                rows.extend(quote! { #var(#source) #convert, });
            }
        }
        if rows.is_empty() {
            return TokenStream::new();
        }
        let rt = &self.rt;
        quote! { #rt::variants_from!(#name { #rows }); }
    }

    fn union_check(&self, id: TypeId, def: &TypeDef, u: &Union) -> TokenStream {
        if !self.has_checks(&TypeRef::Named(id)) {
            return TokenStream::new();
        }
        let rt = &self.rt;
        let name = ident(&def.name);
        let field = def.wire_name.as_str();
        let arms = u.variants.iter().map(|v| {
            let var = ident(&v.name);
            let own: Vec<TokenStream> = u
                .constraints
                .iter()
                .filter(|c| c.applies_to(self.resolved(&v.ty)))
                .map(|c| self.constraint_stmt(c, &v.ty, field, &quote!(value)))
                .collect();
            // A boxed alias of an `Option` is matched through the box (elsewhere auto-deref
            // does the work).
            let held = if self.contains_directly(&v.ty, id) && !v.ty.is_nullable() && self.is_optional(&v.ty) {
                quote!(&**value)
            } else {
                quote!(value)
            };
            let inner = self.check_stmts(&v.ty, held, None);
            if own.is_empty() && inner.is_empty() {
                return quote! { Self::#var(_) => {} };
            }
            if self.is_optional(&v.ty) && !own.is_empty() {
                // The union's own rules apply to a present value only.
                return quote! { Self::#var(value) => { if let Some(value) = value { #(#own)* } #inner } };
            }
            quote! { Self::#var(value) => { #(#own)* #inner } }
        });
        quote! {
            impl #name {
                /// Checks the value against the constraints of this type.
                pub fn check(&self) -> Result<(), #rt::ConstraintError> {
                    match self { #(#arms)* }
                    Ok(())
                }
            }
        }
    }
}

/// `gate` (a `#[cfg(…)]`) on every item of `tokens`. The tokens are the emitter's own, so
/// they parse; should they not, they are returned ungated and formatting reports them.
fn gate_items(tokens: TokenStream, gate: TokenStream) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    for item in &mut file.items {
        let parsed = syn::parse::Parser::parse2(syn::Attribute::parse_outer, gate.clone());
        if let (Some(attrs), Ok(gate)) = (item_attrs(item), parsed) {
            attrs.splice(0..0, gate);
        }
    }
    quote! { #file }
}

/// The attributes of the items a type definition emits.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Type(i) => Some(&mut i.attrs),
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Macro(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// A doc line for a union variant.
fn variant_doc(emitter: &Emitter<'_>, ty: &TypeRef) -> String {
    match emitter.resolved(ty) {
        TypeRef::String => " Text, sent as its UTF-8 bytes.".to_owned(),
        TypeRef::Binary => " Bytes, sent as they are.".to_owned(),
        TypeRef::Integer(_) | TypeRef::Number => " A number.".to_owned(),
        TypeRef::Boolean => " A boolean.".to_owned(),
        TypeRef::Array(_) => " A list.".to_owned(),
        TypeRef::JsonObject | TypeRef::Map(_) => " An object.".to_owned(),
        TypeRef::Json => " Any JSON value.".to_owned(),
        TypeRef::Named(id) => format!(
            " A [`{}`].",
            emitter.def(*id).map_or("value", |d| d.name.as_str())
        ),
        TypeRef::Nullable(_) => " A value or null.".to_owned(),
    }
}
