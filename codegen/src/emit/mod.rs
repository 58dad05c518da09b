//! Phase 3: model → `TokenStream` with `quote!`. No strings of Rust source.
//!
//! One file per spec, laid out in inline modules so that a 1,500-operation API stays
//! readable: the root holds `DEFAULT_BASE_URL` and `Client`; `types` holds every schema type
//! (one naming scope, so names stay short); each resource group (the first accessor,
//! `client.kv()`) has a module with its handles, parameters structs and request builders.
//! Every module reaches the runtime through one `use … as rt;`.
//!
//! Or, in the crates layout ([`crate::Crates`], `render_crates`), the same parts as a
//! workspace: the root in a facade crate, each group's module (with the types only it uses)
//! as a crate of its own, and the types several groups share in one more.

mod checks;
mod client;
mod crates;
mod deserialize;
mod details;
pub mod docs;
mod examples;
mod gates;
mod newtype;
mod operation;
mod params;
mod render;
mod request;
mod types;
mod tyref;

pub use crates::render_crates;
pub use render::{render, Printer};

use crate::model::{Model, TypeId, TypeKind};
use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::quote;

/// Shared state of the emitters.
pub(crate) struct Emitter<'m> {
    pub model: &'m Model,
    /// How generated code names the runtime: the `rt` alias every module imports.
    pub rt: TokenStream,
    /// The path to the `types` module from where the code goes (empty inside it).
    pub types: TokenStream,
    /// Feature gates of groups and types (empty unless `Config::group_features`).
    pub gates: &'m gates::Gates,
    /// The crates layout: each group is a crate, whose handle the facade crate makes, so
    /// the handle's constructor is public (and hidden from the docs).
    pub split: bool,
    /// The error-body decoders the methods emitted so far call, in order of first use: each
    /// becomes one function of the module (`error_detail_<index>`), shared by every method
    /// that decodes the same statuses into the same types.
    pub details: std::cell::RefCell<Vec<(String, TokenStream)>>,
}

impl<'m> Emitter<'m> {
    /// The emitter for code outside `types` (the root and the group modules).
    fn outside(model: &'m Model, gates: &'m gates::Gates) -> Self {
        Emitter {
            model,
            rt: quote!(rt),
            types: quote!(types::),
            gates,
            split: false,
            details: std::cell::RefCell::default(),
        }
    }

    /// The emitter for the `types` module.
    fn inside(model: &'m Model, gates: &'m gates::Gates) -> Self {
        Emitter {
            types: TokenStream::new(),
            ..Emitter::outside(model, gates)
        }
    }
}

/// How many named types the module defines (inline newtypes are checked in place, not defined).
pub fn type_count(model: &Model) -> usize {
    Emitter::inside(model, &gates::Gates::default())
        .emitted_types()
        .len()
}

/// The runtime path of `config` as a Rust path, or why it is not one.
fn runtime_path(config: &crate::Config) -> Result<syn::Path, String> {
    syn::parse_str::<syn::Path>(&config.runtime_path).map_err(|err| {
        format!(
            "runtime path `{}` is not a Rust path: {err}",
            config.runtime_path
        )
    })
}

/// The `use` lines a module needs: the runtime as `rt`, and `types` from a group module.
struct Imports {
    runtime: TokenStream,
    /// With feature gates an import may serve only gated items: allow it to go unused.
    lenient: bool,
}

impl Imports {
    /// `use … as rt;` when `rt` is named, `use super::types;` when `types` is.
    fn uses_for(&self, rt: bool, types: bool) -> TokenStream {
        let runtime = &self.runtime;
        let allow = self.lenient.then(|| quote!(#[allow(unused_imports)]));
        let rt = rt.then(|| quote!(#allow use #runtime as rt;));
        let types = types.then(|| quote!(#allow use super::types;));
        quote! { #rt #types }
    }
}

/// True when `tokens` use `name` as the first segment of a path (`rt::Error`).
fn mentions_path(tokens: &TokenStream, name: &str) -> bool {
    let mut previous: Option<TokenTree> = None;
    let mut iter = tokens.clone().into_iter().peekable();
    while let Some(tree) = iter.next() {
        match &tree {
            TokenTree::Group(group) if mentions_path(&group.stream(), name) => return true,
            TokenTree::Ident(id) if id == name => {
                let after_colon =
                    matches!(&previous, Some(TokenTree::Punct(p)) if p.as_char() == ':');
                let before_colon =
                    matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if before_colon && !after_colon {
                    return true;
                }
            }
            _ => {}
        }
        previous = Some(tree);
    }
    false
}

impl Emitter<'_> {
    /// The definition behind an id (ids come from the model, so this always finds one).
    pub fn def(&self, id: TypeId) -> Option<&crate::model::TypeDef> {
        self.model.get(id)
    }

    /// The Rust name of a type where it is defined.
    pub fn type_name(&self, id: TypeId) -> Ident {
        ident(self.def(id).map_or("Unknown", |d| d.name.as_str()))
    }

    /// The path to a type from where the code goes (`types::KeyName` outside `types`).
    pub fn type_path(&self, id: TypeId) -> TokenStream {
        let prefix = &self.types;
        let name = self.type_name(id);
        quote!(#prefix #name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_found_only_where_they_start() {
        assert!(mentions_path(
            &quote!(
                fn f() -> rt::Error {}
            ),
            "rt"
        ));
        assert!(mentions_path(
            &quote!({
                let x = [rt::A];
            }),
            "rt"
        ));
        assert!(!mentions_path(&quote!(let rt = 1; x.rt), "rt"));
        assert!(!mentions_path(&quote!(serde::rt::X), "rt"));
    }
}
