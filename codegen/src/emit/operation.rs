//! The methods of an operation: the main one (one answer), and beside it a pager over every
//! page of a listing and a stream of a raw answer. Each takes the path parameters and the
//! parameters struct, and leaves building the request to `Params::into_request`.

use super::params::many_arguments;
use super::{docs, ident, Emitter};
use crate::model::{Operation, Param, ResponseBody};
use proc_macro2::TokenStream;
use quote::quote;

/// The three kinds of method an operation gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MethodKind {
    /// One request, one decoded answer.
    Main,
    /// Every page, as a stream.
    Pages,
    /// The raw answer as a stream of chunks.
    Stream,
}

impl Emitter<'_> {
    /// The methods of the resource at `path`.
    pub fn methods_of(&self, path: &[String]) -> TokenStream {
        let root = path.is_empty();
        let items = self
            .model
            .operations
            .iter()
            .filter(|op| op.resource == path)
            .map(|op| {
                let main = self.method(op, root);
                let pages = op
                    .siblings
                    .pages
                    .as_deref()
                    .map(|name| self.pages_method(op, root, name));
                let stream = op
                    .siblings
                    .stream
                    .as_deref()
                    .map(|name| self.stream_method(op, root, name));
                quote! { #main #pages #stream }
            });
        quote! { #(#items)* }
    }

    fn method(&self, op: &Operation, root: bool) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.method_name);
        let params_ty = ident(&op.params_name);
        let doc = self.method_docs(op, MethodKind::Main, &op.method_name);
        let lints = self.method_lints(op);
        let args = self.method_args(op);
        let (ret, decoder) = self.decoder(op);
        let core = core_expr(root);
        let call = self.call_args(op);
        let details = self.with_details(op);
        let decode = if decoder == "decode_nothing" {
            // Any `result` will do, once the answer is a successful envelope.
            quote! {
                let answer = self.core.send(request).await?;
                #rt::decode_result::<serde::de::IgnoredAny>(answer).map(|r| r.map(|_| ()))#details
            }
        } else {
            let decoder = ident(decoder);
            quote! { #rt::#decoder(self.core.send(request).await?)#details }
        };
        quote! {
            #doc
            #lints
            pub async fn #name(&self, #(#args)* params: #params_ty) -> Result<#rt::Response<#ret>, #rt::Error> {
                let request = params.into_request(#core, #(#call),*)?;
                #decode
            }
        }
    }

    /// `list_all`: a [`Pages`] stream that follows the listing to its end.
    fn pages_method(&self, op: &Operation, root: bool, name: &str) -> TokenStream {
        let Some(pagination) = &op.pagination else {
            return TokenStream::new();
        };
        let rt = &self.rt;
        let method = ident(name);
        let params_ty = ident(&op.params_name);
        let doc = self.method_docs(op, MethodKind::Pages, name);
        let many = many_arguments(self.path_arguments(op).len() + 2);
        let args = self.method_args(op);
        let item = self.lenient(&pagination.item);
        let core = core_expr(root);
        let details = self.with_details(op);
        let lifetime = if root { quote!('_) } else { quote!('a) };
        // The closure owns the path arguments; each page's request borrows them.
        let owned = self.path_arguments(op).into_iter().map(|p| {
            let arg = ident(&p.name);
            if self.is_text(&p.ty) {
                quote! { let #arg = #arg.as_ref().to_owned(); }
            } else {
                TokenStream::new()
            }
        });
        let call = self
            .path_arguments(op)
            .into_iter()
            .map(|p| {
                let arg = ident(&p.name);
                quote!(&#arg)
            })
            .collect::<Vec<_>>();
        quote! {
            #doc
            #many
            pub fn #method(&self, #(#args)* params: #params_ty) -> #rt::Pages<#lifetime, #item> {
                let core = #core;
                #(#owned)*
                #rt::paginate(
                    params,
                    move |params: #params_ty| {
                        let request = params.into_request(core, #(#call),*);
                        async move { #rt::decode_result(core.send(request?).await?)#details }
                    },
                    #params_ty::next_page,
                )
            }
        }
    }

    /// `get_stream`: the raw answer's body as a [`ByteStream`], read as the caller polls.
    fn stream_method(&self, op: &Operation, root: bool, name: &str) -> TokenStream {
        let rt = &self.rt;
        let method = ident(name);
        let params_ty = ident(&op.params_name);
        let doc = self.method_docs(op, MethodKind::Stream, name);
        let lints = many_arguments(self.path_arguments(op).len() + 2);
        let args = self.method_args(op);
        let core = core_expr(root);
        let call = self.call_args(op);
        let details = self.with_details(op);
        quote! {
            #doc
            #lints
            pub async fn #method(&self, #(#args)* params: #params_ty) -> Result<#rt::Response<#rt::ByteStream>, #rt::Error> {
                let request = params.into_request(#core, #(#call),*)?;
                #rt::decode_stream(self.core.send_streaming(request).await?)#details
            }
        }
    }

    /// Path parameters passed as arguments: text as `impl AsRef<str>`, the rest by value.
    fn method_args(&self, op: &Operation) -> Vec<TokenStream> {
        self.path_arguments(op)
            .into_iter()
            .map(|p| {
                let arg = ident(&p.name);
                let ty = self.argument_type(p);
                quote! { #arg: #ty, }
            })
            .collect()
    }

    fn argument_type(&self, p: &Param) -> TokenStream {
        if self.is_text(&p.ty) {
            quote!(impl AsRef<str>)
        } else {
            self.lenient(p.ty.non_null())
        }
    }

    /// The arguments as `into_request` takes them.
    fn call_args(&self, op: &Operation) -> Vec<TokenStream> {
        self.path_arguments(op)
            .into_iter()
            .map(|p| {
                let arg = ident(&p.name);
                if self.is_text(&p.ty) {
                    quote!(#arg.as_ref())
                } else {
                    quote!(&#arg)
                }
            })
            .collect()
    }

    /// The success type and the runtime function that decodes it (`decode_nothing`: an
    /// envelope whose result is ignored).
    fn decoder(&self, op: &Operation) -> (TokenStream, &'static str) {
        match &op.success {
            ResponseBody::Json(ty) => (self.lenient(ty), "decode_json"),
            ResponseBody::Envelope(e) => match &e.result {
                Some(ty) => (self.lenient(ty), "decode_result"),
                None => (quote!(()), "decode_nothing"),
            },
            ResponseBody::Bytes => (quote!(bytes::Bytes), "decode_bytes"),
            ResponseBody::Empty => (quote!(()), "decode_empty"),
        }
    }

    /// Lints the spec's shape can trip on the method: many arguments, a nested return type.
    fn method_lints(&self, op: &Operation) -> TokenStream {
        // `self` and `params` count too.
        let many = many_arguments(self.path_arguments(op).len() + 2);
        let complexity = match &op.success {
            ResponseBody::Json(ty) => self.allow_complex([ty]),
            ResponseBody::Envelope(e) => self.allow_complex(e.result.iter()),
            _ => TokenStream::new(),
        };
        quote! { #many #complexity }
    }

    fn method_docs(&self, op: &Operation, kind: MethodKind, name: &str) -> TokenStream {
        let mut lines = match kind {
            MethodKind::Main => docs::lines(&op.docs, &format!("The `{}` operation.", op.id)),
            MethodKind::Pages => vec![
                format!(
                    "Every page of [`{}`](Self::{}), fetched one after the other as the stream is polled; `.items()` streams the items themselves.",
                    crate::naming::unraw(&op.method_name),
                    crate::naming::unraw(&op.method_name)
                ),
                String::new(),
                "`params` are those of the first page; each next page changes only the page or cursor. The stream ends after the last page, or after the first error.".to_owned(),
            ],
            MethodKind::Stream => vec![
                format!(
                    "Like [`{}`](Self::{}), but the body is a stream of chunks read as it is polled, so a large value never sits in memory whole.",
                    crate::naming::unraw(&op.method_name),
                    crate::naming::unraw(&op.method_name)
                ),
            ],
        };
        lines.push(String::new());
        lines.push(format!("`{} {}`", op.http_method.as_str(), op.path));
        lines.push(String::new());
        // What fails every method is said once, on `Client`; here only the statuses.
        let mut errors = vec!["# Errors".to_owned(), String::new()];
        for r in op.responses.iter().filter(|r| !r.status.is_success()) {
            let desc = r.description.trim().replace('\n', " ");
            let line = match (self.detail_doc(r), desc.is_empty()) {
                (Some(detail), true) => format!("- `{}`: {detail}", r.status.label()),
                (Some(detail), false) => {
                    let stop = if desc.ends_with('.') { "" } else { "." };
                    format!("- `{}`: {desc}{stop} {detail}", r.status.label())
                }
                (None, false) => format!("- `{}`: {desc}", r.status.label()),
                (None, true) => continue,
            };
            errors.push(line);
        }
        if errors.len() > 2 {
            lines.extend(errors);
        }
        lines.extend(self.method_example(op, kind, name));
        docs::lines_to_attrs(&lines)
    }
}

/// How a method reaches the core: a handle holds a reference, the client owns it.
fn core_expr(root: bool) -> TokenStream {
    if root {
        quote!(&self.core)
    } else {
        quote!(self.core)
    }
}
