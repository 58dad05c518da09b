//! `Deserialize` for structs, written here rather than derived: serde's derive writes a field
//! enum, a field visitor and a sequence visitor for every struct, which for thousands of
//! structs was most of what the compiler had to check. This impl reads an object only, looks
//! its keys up in one sorted table (`rt::de::Members`), and behaves as the derive did for the
//! attributes the emitter uses: `rename`, `default`, `flatten` of the extra members, and
//! "missing field" for a required member. Unknown keys are skipped, duplicates keep the last.

use super::{ident, Emitter};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// One member as `Deserialize` sees it.
pub(super) struct Member {
    /// The Rust field.
    pub field: Ident,
    /// Its JSON name.
    pub wire: String,
    /// Its Rust type, as declared.
    pub ty: TokenStream,
    /// A missing member is an error (otherwise it takes its default).
    pub required: bool,
}

impl Emitter<'_> {
    /// `impl Deserialize for #name`: `members`, plus a map of the members the struct does not
    /// name when `extra` (its field and value type) is given.
    pub(super) fn struct_deserialize(
        &self,
        name: &str,
        members: &[Member],
        extra: Option<(&Ident, &TokenStream)>,
    ) -> TokenStream {
        let rt = &self.rt;
        let ty = ident(name);
        let expecting = format!("struct {name}");
        // The visitor is declared inside `deserialize`, where it would hide a type of its name.
        let visitor = ident(if name == "Visitor" {
            "StructVisitor"
        } else {
            "Visitor"
        });
        let mut sorted: Vec<(&str, usize)> = members
            .iter()
            .enumerate()
            .map(|(i, m)| (m.wire.as_str(), i))
            .collect();
        sorted.sort();
        let names = sorted.iter().map(|(wire, _)| *wire);
        let locals: Vec<Ident> = (0..members.len()).map(|i| format_ident!("m{i}")).collect();
        let decls = members.iter().zip(&locals).map(|(m, local)| {
            let ty = &m.ty;
            quote! { let mut #local: Option<#ty> = None; }
        });
        let inits = members.iter().zip(&locals).map(|(m, local)| {
            let field = &m.field;
            let wire = &m.wire;
            if m.required {
                quote! { #field: #rt::de::required(#local, #wire)?, }
            } else {
                quote! { #field: #local.unwrap_or_default(), }
            }
        });
        let (lookup, rest, extra_decl, extra_init) = match extra {
            Some((field, value)) => (
                quote!(#rt::de::MembersOrKey(NAMES)),
                quote! { key => if let Some(key) = key.into_owned() { extra.insert(key, map.next_value()?); } },
                quote! { let mut extra = std::collections::BTreeMap::<String, #value>::new(); },
                quote! { #field: extra, },
            ),
            None => (
                quote!(#rt::de::Members(NAMES)),
                quote! { _ => { map.next_value::<serde::de::IgnoredAny>()?; } },
                TokenStream::new(),
                TokenStream::new(),
            ),
        };
        // With extra members the key is a `Key`, not an `Option<usize>`.
        let arms = sorted.iter().enumerate().filter_map(|(index, (_, i))| {
            let local = locals.get(*i)?;
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            let pattern = if extra.is_some() {
                quote!(#rt::de::Key::Member(#index))
            } else {
                quote!(Some(#index))
            };
            Some(quote! { #pattern => #local = Some(map.next_value()?), })
        });
        quote! {
            impl<'de> serde::Deserialize<'de> for #ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct #visitor;
                    impl<'de> serde::de::Visitor<'de> for #visitor {
                        type Value = #ty;
                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#ty, A::Error> {
                            const NAMES: &[&str] = &[#(#names),*];
                            #(#decls)*
                            #extra_decl
                            while let Some(key) = map.next_key_seed(#lookup)? {
                                match key {
                                    #(#arms)*
                                    #rest
                                }
                            }
                            Ok(#ty { #(#inits)* #extra_init })
                        }
                    }
                    deserializer.deserialize_map(#visitor)
                }
            }
        }
    }
}
