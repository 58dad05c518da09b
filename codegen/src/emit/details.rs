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
    /// operation declares none. The decoding is a function of the module (see
    /// [`Self::detail_fns`]), one for every method that decodes alike.
    pub(super) fn with_details(&self, op: &Operation) -> TokenStream {
        let Some(decoder) = self.error_decoder(op) else {
            return TokenStream::new();
        };
        let key = decoder.to_string();
        let mut details = self.details.borrow_mut();
        let index = match details.iter().position(|(known, _)| *known == key) {
            Some(index) => index,
            None => {
                details.push((key, decoder));
                details.len() - 1
            }
        };
        let name = detail_fn(index);
        quote! { .map_err(|e| e.with_detail(#name)) }
    }

    /// The decoder functions the methods emitted so far call, to close their module with.
    pub(super) fn detail_fns(&self) -> TokenStream {
        let rt = &self.rt;
        let fns = self
            .details
            .borrow()
            .iter()
            .enumerate()
            .map(|(index, (_, decoder))| {
                let name = detail_fn(index);
                quote! {
                    /// Decodes an error answer's body as the type the specification declares for its status.
                    fn #name(status: u16, body: &[u8]) -> Option<#rt::Detail> {
                        #decoder
                    }
                }
            })
            .collect::<Vec<_>>();
        quote! { #(#fns)* }
    }

    /// The body of a decoder function (`status` and `body` in scope).
    fn error_decoder(&self, op: &Operation) -> Option<TokenStream> {
        let typed = self.typed_errors(op);
        if typed.is_empty() {
            return None;
        }
        let rt = &self.rt;
        if let [(r, ty)] = typed.as_slice() {
            if r.status == StatusMatch::Default {
                // One type for every error status: no `match` (clippy's match_single_binding).
                let ty = self.lenient(ty);
                return Some(quote! {
                    let _ = status;
                    Some(#rt::detail::<#ty>(body))
                });
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
        Some(quote! { match status { #(#arms)* } })
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

/// The name of the module's decoder function number `index`.
fn detail_fn(index: usize) -> proc_macro2::Ident {
    proc_macro2::Ident::new(
        &format!("error_detail_{index}"),
        proc_macro2::Span::call_site(),
    )
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
