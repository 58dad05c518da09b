//! `Params::into_request`: from the caller's arguments to a checked [`Request`] — path
//! segments encoded, query and headers in declaration order, the body in the media type the
//! set fields call for. Every method of an operation (one page, every page, a stream) sends
//! what this builds.

use super::{ident, Emitter};
use crate::model::{
    BodyKind, BodyPlan, BodyVariant, FormField, Operation, Param, ParamLocation, ParamRole,
    PathPart, RequestBody, Scheme, TypeRef,
};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

impl Emitter<'_> {
    /// The path parameters passed as arguments, as `into_request` takes them: text as
    /// `&str`, anything else by reference.
    pub(super) fn path_arguments<'o>(&self, op: &'o Operation) -> Vec<&'o Param> {
        op.params
            .iter()
            .filter(|p| p.role == ParamRole::Argument)
            .collect()
    }

    /// `into_request`; `security` names the constant holding the operation's requirements
    /// (written once per module by [`Self::security_tables`]).
    pub(super) fn request_builder(&self, op: &Operation, security: &Ident) -> TokenStream {
        let rt = &self.rt;
        let args = self.path_arguments(op).into_iter().map(|p| {
            let name = ident(&p.name);
            let value = p.holding().value;
            let ty = if self.is_text(value) {
                quote!(&str)
            } else {
                let ty = self.lenient(value);
                quote!(&#ty)
            };
            quote! { #name: #ty, }
        });
        let deferred = self
            .fields(op)
            .iter()
            .any(|f| !f.required && matches!(self.resolved(f.ty), TypeRef::Json));
        let invalid = deferred.then(|| {
            quote! { if let Some(error) = self.invalid { return Err(error.into()); } }
        });
        let many = super::params::many_arguments(self.path_arguments(op).len() + 2);
        let defaults = self.client_defaults(op);
        let checks = self.request_checks(op);
        let (url, path) = self.url_path(op);
        let query = self.pairs(op, ParamLocation::Query, "query");
        let headers = self.pairs(op, ParamLocation::Header, "headers");
        // What is empty is written in place, not as a local.
        let query_field = if query.is_empty() {
            quote!(query: Vec::new(),)
        } else {
            quote!(query,)
        };
        let headers_field = if headers.is_empty() {
            quote!(headers: Vec::new(),)
        } else {
            quote!(headers,)
        };
        let (body, body_field) = if op.body.is_none() {
            (TokenStream::new(), quote!(body: #rt::Body::Empty,))
        } else {
            (self.body(op), quote!(body: request_body,))
        };
        let op_id = &op.id;
        let method = ident(op.http_method.as_str());
        let idempotent = op.idempotent;
        // Without defaults or checks the core has nothing to say about the request.
        let core = if defaults.is_empty() && checks.is_empty() {
            quote!(_core)
        } else {
            quote!(core)
        };
        quote! {
            /// The request these parameters describe, checked against the specification's
            /// constraints first (unless the client's validation is off).
            #many
            fn into_request(self, #core: &#rt::Core, #(#args)*) -> Result<#rt::Request, #rt::Error> {
                #invalid
                #defaults
                #checks
                #url
                #query
                #headers
                #body
                Ok(#rt::Request {
                    operation: #op_id,
                    method: #rt::Method::#method,
                    path: #path,
                    #query_field
                    #headers_field
                    #body_field
                    security: #security,
                    idempotent: #idempotent,
                    options: self.options,
                })
            }
        }
    }

    /// Locals for path parameters that fall back to the client's defaults.
    fn client_defaults(&self, op: &Operation) -> TokenStream {
        let items = op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path && p.role == ParamRole::ClientDefault)
            .map(|p| {
                let name = ident(&p.name);
                let wire = &p.wire_name;
                quote! { let #name = core.path_default(#wire, self.#name.as_deref())?; }
            });
        quote! { #(#items)* }
    }

    /// Every constraint check, inside `if core.validates()`.
    fn request_checks(&self, op: &Operation) -> TokenStream {
        let mut stmts = Vec::new();
        for p in op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
        {
            // Path parameters are locals already borrowed (`&str` or `&T`), client defaults
            // included: never an `Option` here.
            let name = ident(&p.name);
            let ty = p.holding().value;
            stmts.push(self.check_stmts(ty, quote!(#name), Some(&p.wire_name)));
        }
        for f in self.fields(op).iter().filter(|f| {
            !op.params
                .iter()
                .any(|p| p.name == f.name && p.location == ParamLocation::Path)
        }) {
            let field = ident(f.name);
            let ty = f.checked();
            stmts.push(self.check_stmts(&ty, quote!(&self.#field), Some(f.wire)));
        }
        stmts.retain(|s| !s.is_empty());
        if stmts.is_empty() {
            return TokenStream::new();
        }
        quote! { if core.validates() { #(#stmts)* } }
    }

    /// Statements that build the path, and the expression that is the path: a constant path
    /// is written in place.
    fn url_path(&self, op: &Operation) -> (TokenStream, TokenStream) {
        let rt = &self.rt;
        let constant: Option<String> = op
            .segments
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => Some(text.as_str()),
                PathPart::Param(_) => None,
            })
            .collect();
        if let Some(path) = constant {
            return (TokenStream::new(), quote!(String::from(#path)));
        }
        let capacity_literal =
            proc_macro2::Literal::usize_unsuffixed(op.path.len() + 32 * op.params.len());
        let parts = op.segments.iter().map(|part| match part {
            PathPart::Literal(text) => match single_char(text) {
                Some(c) => quote! { url_path.push(#c); },
                None => quote! { url_path.push_str(#text); },
            },
            PathPart::Param(wire) => {
                let param = op
                    .params
                    .iter()
                    .find(|p| &p.wire_name == wire && p.location == ParamLocation::Path);
                match param {
                    Some(p) if self.is_text(&p.ty) => {
                        let name = ident(&p.name);
                        quote! { #rt::encode::push_segment(&mut url_path, #name); }
                    }
                    Some(p) => {
                        let name = ident(&p.name);
                        quote! { #rt::encode::push_segment(&mut url_path, &#rt::encode::ToQuery::to_query(#name)); }
                    }
                    None => TokenStream::new(),
                }
            }
        });
        let stmts = quote! {
            let mut url_path = String::with_capacity(#capacity_literal);
            #(#parts)*
        };
        (stmts, quote!(url_path))
    }

    /// Query pairs or headers, in declaration order; unset optional ones are left out.
    fn pairs(&self, op: &Operation, location: ParamLocation, var: &str) -> TokenStream {
        let rt = &self.rt;
        let var = ident(var);
        let params: Vec<&Param> = op
            .params
            .iter()
            .filter(|p| p.location == location)
            .collect();
        if params.is_empty() {
            return TokenStream::new();
        }
        let count_literal = proc_macro2::Literal::usize_unsuffixed(params.len());
        let pushes = params.iter().map(|p| {
            let field = ident(&p.name);
            let wire = &p.wire_name;
            let optional = p.holding().optional;
            let write = match self.resolved(&p.ty) {
                TypeRef::Array(_) if p.explode => quote! {
                    for v in value.iter() { #rt::encode::pair(&mut #var, #wire, v); }
                },
                TypeRef::Array(_) => quote! {
                    let joined: Vec<String> = value.iter().map(#rt::encode::ToQuery::to_query).collect();
                    #var.push((#wire, joined.join(",")));
                },
                // One value: one line.
                _ if optional => return quote! { #rt::encode::pair_opt(&mut #var, #wire, self.#field.as_ref()); },
                _ => return quote! { #rt::encode::pair(&mut #var, #wire, &self.#field); },
            };
            if optional {
                quote! { if let Some(value) = &self.#field { #write } }
            } else {
                quote! { { let value = &self.#field; #write } }
            }
        });
        quote! {
            let mut #var = Vec::with_capacity(#count_literal);
            #(#pushes)*
        }
    }

    fn body(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let Some(body) = &op.body else {
            return quote! { let request_body = #rt::Body::Empty; };
        };
        if let Some((id, s)) = self.flat_body(op) {
            let name = self.type_path(id);
            let members = s.fields.iter().map(|f| {
                let field = ident(&f.name);
                // A required member that may be `null` is an `Option` in the struct, a
                // plain value in the parameters.
                let member = self.model.member_holding(id, f);
                if member.optional && !f.as_parameter().optional {
                    quote!(#field: Some(self.#field),)
                } else {
                    quote!(#field: self.#field,)
                }
            });
            return quote! { let request_body = #rt::Body::json(&#name { #(#members)* })?; };
        }
        let field = ident(&body.field_name);
        match body.plan() {
            BodyPlan::None => quote! { let request_body = #rt::Body::Empty; },
            BodyPlan::Single(v) | BodyPlan::FirstOnly(v) => {
                let built = self.variant_body(body, v, &field);
                quote! { let request_body = #built; }
            }
            BodyPlan::RawOrMultipart {
                raw,
                multipart,
                primary,
            } => {
                let BodyKind::Multipart(fields) = &multipart.kind else {
                    return TokenStream::new();
                };
                let media = &raw.media_type;
                let Some(primary) = fields.get(primary) else {
                    return TokenStream::new();
                };
                let primary_field = ident(&primary.name);
                let raw_value =
                    self.binary_expr(quote!(self.#primary_field), primary.holding().value);
                let unset = fields.iter().filter(|f| f.name != primary.name).map(|f| {
                    let name = ident(&f.name);
                    quote!(self.#name.is_none())
                });
                let form = self.multipart(fields);
                quote! {
                    // `form` is a block: it is the `else` branch itself.
                    let request_body = if #(#unset)&&* {
                        #rt::Body::raw(#media, #raw_value)
                    } else #form;
                }
            }
        }
    }

    fn variant_body(&self, body: &RequestBody, v: &BodyVariant, field: &Ident) -> TokenStream {
        let rt = &self.rt;
        let media = &v.media_type;
        match &v.kind {
            BodyKind::Json(ty) if body.holding(ty).optional => {
                quote! { match &self.#field { Some(v) => #rt::Body::json(v)?, None => #rt::Body::Empty } }
            }
            BodyKind::Json(_) => quote! { #rt::Body::json(&self.#field)? },
            BodyKind::Raw(ty) => {
                let held = body.holding(ty);
                if held.optional {
                    let value = self.binary_expr(quote!(v), held.value);
                    quote! { match self.#field { Some(v) => #rt::Body::raw(#media, #value), None => #rt::Body::Empty } }
                } else {
                    let value = self.binary_expr(quote!(self.#field), held.value);
                    quote! { #rt::Body::raw(#media, #value) }
                }
            }
            BodyKind::Multipart(fields) => self.multipart(fields),
            BodyKind::Form(fields) => self.url_encoded(media, fields),
        }
    }

    /// An `application/x-www-form-urlencoded` body: the set fields as `name=value` pairs, in
    /// declaration order, lists repeating the name; encoded like the query.
    fn url_encoded(&self, media: &str, fields: &[FormField]) -> TokenStream {
        let rt = &self.rt;
        let count_literal = proc_macro2::Literal::usize_unsuffixed(fields.len());
        let pushes = fields.iter().map(|f| {
            let name = ident(&f.name);
            let wire = &f.wire_name;
            let write = match self.resolved(f.holding().value) {
                TypeRef::Array(_) => quote! { for v in value { pairs.push((#wire, #rt::encode::ToQuery::to_query(v))); } },
                _ => quote! { pairs.push((#wire, #rt::encode::ToQuery::to_query(value))); },
            };
            if f.holding().optional {
                quote! { if let Some(value) = &self.#name { #write } }
            } else {
                quote! { { let value = &self.#name; #write } }
            }
        });
        quote! {
            {
                let mut pairs: Vec<(&'static str, String)> = Vec::with_capacity(#count_literal);
                #(#pushes)*
                #rt::Body::raw(#media, #rt::encode::form_body(&pairs).into())
            }
        }
    }

    /// A multipart body: one part per set field, in declaration order. The required parts
    /// before the first optional one start the list (`vec![…]`), so that no push follows the
    /// list's creation directly (clippy's `vec_init_then_push`).
    fn multipart(&self, fields: &[FormField]) -> TokenStream {
        let rt = &self.rt;
        let leading = fields.iter().take_while(|f| !f.holding().optional).count();
        let (first, rest) = fields.split_at(leading);
        let first = first.iter().map(|f| self.part(f, self.part_source(f)));
        let pushes = rest.iter().map(|f| {
            let source = self.part_source(f);
            if f.holding().optional {
                let part = self.part(f, quote!(v));
                quote! { if let Some(v) = #source { parts.push(#part); } }
            } else {
                let part = self.part(f, source);
                quote! { parts.push(#part); }
            }
        });
        let start = if rest.is_empty() {
            quote! { let parts = vec![#(#first),*]; }
        } else if leading == 0 {
            let count = proc_macro2::Literal::usize_unsuffixed(fields.len());
            quote! { let mut parts = Vec::with_capacity(#count); }
        } else {
            quote! { let mut parts = vec![#(#first),*]; }
        };
        quote! {
            {
                #start
                #(#pushes)*
                #rt::Body::Multipart(parts)
            }
        }
    }

    /// How a form field's value is taken: bytes by value (moved into the part), else borrowed.
    fn part_source(&self, f: &FormField) -> TokenStream {
        let name = ident(&f.name);
        if self.is_bytes_like(f.holding().value) {
            quote!(self.#name)
        } else {
            quote!(&self.#name)
        }
    }

    /// One form part holding `value`: bytes as they are, scalars as text, the rest as JSON.
    fn part(&self, f: &FormField, value: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let wire = &f.wire_name;
        let ct = &f.content_type;
        let ty = f.holding().value;
        if self.is_bytes_like(ty) {
            let value = self.binary_expr(value, ty);
            quote! { #rt::Part::binary(#wire, #ct, #value) }
        } else if self.is_scalar(ty) {
            quote! { #rt::Part::text(#wire, Some(#ct), #rt::encode::ToQuery::to_query(#value)) }
        } else {
            quote! { #rt::Part::json(#wire, #ct, #value)? }
        }
    }

    /// The distinct security requirements of `ops`, in order of first use, each a constant
    /// (`SECURITY`, or `SECURITY_0`, `SECURITY_1`… when they differ), and the name each
    /// operation uses: one table per module rather than one per operation.
    pub(super) fn security_tables<'o>(&self, ops: &[&'o Operation]) -> (TokenStream, Vec<Ident>) {
        let rt = &self.rt;
        let mut distinct: Vec<&'o [Vec<Scheme>]> = Vec::new();
        let indexes: Vec<usize> = ops
            .iter()
            .map(|op| {
                let found = distinct.iter().position(|s| *s == op.security.as_slice());
                found.unwrap_or_else(|| {
                    distinct.push(&op.security);
                    distinct.len() - 1
                })
            })
            .collect();
        let name = |i: usize| {
            if distinct.len() == 1 {
                ident("SECURITY")
            } else {
                proc_macro2::Ident::new(&format!("SECURITY_{i}"), proc_macro2::Span::call_site())
            }
        };
        let tables = distinct.iter().enumerate().map(|(i, s)| {
            let name = name(i);
            let table = self.security(s);
            quote! {
                /// Security requirements of operations here: alternatives (OR) of schemes (AND).
                const #name: &[&[#rt::Scheme]] = #table;
            }
        });
        let tables = quote! { #(#tables)* };
        (tables, indexes.into_iter().map(name).collect())
    }

    fn security(&self, alternatives: &[Vec<Scheme>]) -> TokenStream {
        let rt = &self.rt;
        let alts = alternatives.iter().map(|alt| {
            let schemes = alt.iter().map(|s| match s {
                Scheme::Bearer => quote!(#rt::Scheme::Bearer),
                Scheme::Basic => quote!(#rt::Scheme::Basic),
                Scheme::ApiKeyHeader(n) => quote!(#rt::Scheme::ApiKeyHeader(#n)),
                Scheme::ApiKeyQuery(n) => quote!(#rt::Scheme::ApiKeyQuery(#n)),
                Scheme::ApiKeyCookie(n) => quote!(#rt::Scheme::ApiKeyCookie(#n)),
            });
            quote! { &[#(#schemes),*] }
        });
        quote! { &[#(#alts),*] }
    }
}

/// The only character of `text`, if it has exactly one (clippy prefers `push(char)`).
fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}
