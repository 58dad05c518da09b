//! `Deserialize` for structs, from a member table: the runtime's `object!` macro expands the
//! same impl for every struct (a visitor that reads an object only, looks its keys up in one
//! table sorted at compile time, `rt::de::Members`, and behaves as serde's derive did for the attributes the
//! emitter uses: `rename`, `default`, `flatten` of the extra members, and "missing field" for
//! a required member). Serde's derive writes a field enum, a field visitor and a sequence
//! visitor for every struct, which for thousands of structs was most of what the compiler had
//! to check; here the module holds one line per member.

use super::{ident, Emitter};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// One member as `Deserialize` sees it.
pub(super) struct Member {
    /// The Rust field.
    pub field: Ident,
    /// Its JSON name.
    pub wire: String,
    /// A missing member is an error (otherwise it takes its default).
    pub required: bool,
}

impl Emitter<'_> {
    /// `rt::object!(Name { index field: "wire" [required], … [.. extra] })`: `Deserialize`
    /// for `name`'s `members`, plus a map of the members the struct does not name in the
    /// field `extra` when given. Members are listed in declaration order: the first required
    /// one missing is the one reported, as with serde's derive.
    pub(super) fn struct_deserialize(
        &self,
        name: &str,
        members: &[Member],
        extra: Option<&Ident>,
    ) -> TokenStream {
        let rt = &self.rt;
        let ty = ident(name);
        let rows = members.iter().enumerate().map(|(index, m)| {
            let index = Literal::usize_unsuffixed(index);
            let field = &m.field;
            let wire = &m.wire;
            let required = m.required.then(|| quote!(required));
            quote! { #index #field: #wire #required, }
        });
        let extra = extra.map(|field| quote!(.. #field));
        quote! {
            #rt::object!(#ty { #(#rows)* #extra });
        }
    }
}
