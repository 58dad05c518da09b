//! Declared error bodies: an operation whose error responses have a JSON schema decodes the
//! body of such an answer into that schema's type once, kept in the runtime's
//! `Error::detail`; the method's docs name the type per status.

use super::Emitter;
use crate::model::{Operation, ResponseBody, ResponseDef, StatusMatch, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

impl Emitter<'_> {
    /// The error responses with a typed body, most specific status first (codes, ranges,
    /// `default`), as OpenAPI picks the response for a status.
    fn typed_errors<'o>(&self, op: &'o Operation) -> Vec<(&'o ResponseDef, &'o TypeRef)> {
        let mut typed: Vec<_> = op
            .responses
            .iter()
            .filter(|r| !r.status.is_success())
            .filter_map(|r| match &r.body {
                ResponseBody::Json(ty) if *ty != TypeRef::Json => Some((r, ty)),
                _ => None,
            })
            .collect();
        typed.sort_by_key(|(r, _)| r.status);
        typed
    }

    /// `.map_err(…)` that decodes a declared error body into the error, or nothing when the
    /// operation declares none.
    pub(super) fn with_details(&self, op: &Operation) -> TokenStream {
        let typed = self.typed_errors(op);
        if typed.is_empty() {
            return TokenStream::new();
        }
        let rt = &self.rt;
        if let [(r, ty)] = typed.as_slice() {
            if r.status == StatusMatch::Default {
                // One type for every error status: no `match` (clippy's match_single_binding).
                let ty = self.lenient(ty);
                return quote! {
                    .map_err(|e| e.with_detail(|_, body| Some(#rt::detail::<#ty>(body))))
                };
            }
        }
        let mut arms: Vec<TokenStream> = typed
            .iter()
            .map(|(r, ty)| {
                let pattern = status_pattern(r.status);
                let ty = self.lenient(ty);
                quote! { #pattern => Some(#rt::detail::<#ty>(body)), }
            })
            .collect();
        if !typed.iter().any(|(r, _)| r.status == StatusMatch::Default) {
            arms.push(quote! { _ => None, });
        }
        quote! {
            .map_err(|e| e.with_detail(|status, body| match status { #(#arms)* }))
        }
    }

    /// The type a declared error body decodes to, as the docs name it.
    pub(super) fn detail_doc(&self, response: &ResponseDef) -> Option<String> {
        let ResponseBody::Json(ty) = &response.body else {
            return None;
        };
        if *ty == TypeRef::Json {
            return None;
        }
        let path: String = self
            .lenient(ty)
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        Some(format!("Its body: `error.detail::<{path}>()`."))
    }
}

/// The `match` pattern for the statuses a response covers.
fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(class) => {
            let low = Literal::u16_unsuffixed(class.saturating_mul(100));
            let high = Literal::u16_unsuffixed(class.saturating_mul(100).saturating_add(99));
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}
