//! Phase 3: model → `TokenStream` with `quote!`. No strings of Rust source.

mod checks;
mod client;
pub mod docs;
mod newtype;
mod operation;
mod types;
mod tyref;

use crate::diagnostics::{Diagnostics, Kind};
use crate::model::{Model, TypeId, TypeKind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// Shared state of the emitters.
pub(crate) struct Emitter<'m> {
    pub model: &'m Model,
    /// The runtime path, e.g. `kv_runtime`.
    pub rt: TokenStream,
}

/// Emits the whole module.
pub fn emit(model: &Model, config: &crate::Config, diags: &mut Diagnostics) -> TokenStream {
    let rt = match syn::parse_str::<syn::Path>(&config.runtime_path) {
        Ok(path) => quote!(#path),
        Err(err) => {
            diags.error(
                Kind::Invalid,
                "#",
                format!(
                    "runtime path `{}` is not a Rust path: {err}",
                    config.runtime_path
                ),
            );
            return TokenStream::new();
        }
    };
    let emitter = Emitter { model, rt };
    let client = emitter.client();
    let operations = emitter.operations();
    let types = emitter.types();
    quote! {
        #client
        #operations
        #types
    }
}

impl Emitter<'_> {
    /// The definition behind an id (ids come from the model, so this always finds one).
    pub fn def(&self, id: TypeId) -> Option<&crate::model::TypeDef> {
        self.model.get(id)
    }

    /// The Rust name of a type, as an identifier.
    pub fn type_ident(&self, id: TypeId) -> Ident {
        ident(self.def(id).map_or("Unknown", |d| d.name.as_str()))
    }

    /// Named types sorted by name, so output order does not depend on discovery order.
    pub fn sorted_types(&self) -> Vec<(TypeId, &crate::model::TypeDef)> {
        let mut all: Vec<_> = self
            .model
            .types
            .iter()
            .enumerate()
            .map(|(i, d)| (TypeId(i), d))
            .collect();
        all.retain(|(_, d)| !matches!(d.kind, TypeKind::Pending));
        all.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        all
    }
}

/// An identifier from a name made by [`crate::naming`] (`r#` prefix allowed).
///
/// Names are valid by construction; anything else is replaced rather than allowed to reach
/// `Ident::new`, which would panic.
pub(crate) fn ident(name: &str) -> Ident {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let valid = bare
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_";
    if !valid {
        return Ident::new("invalid_name", Span::call_site());
    }
    if raw {
        Ident::new_raw(bare, Span::call_site())
    } else {
        Ident::new(bare, Span::call_site())
    }
}
