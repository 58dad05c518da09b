//! One method and one parameters struct per operation.

use super::{docs, ident, Emitter};
use crate::model::{
    BodyKind, BodyPlan, BodyVariant, FormField, Operation, Param, ParamLocation, ParamRole,
    PathPart, ResponseBody, Scheme, TypeRef,
};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// A field of a parameters struct, whatever it came from.
struct ParamField<'o> {
    name: &'o str,
    wire: &'o str,
    ty: &'o TypeRef,
    required: bool,
    docs: &'o crate::model::Docs,
}

impl Emitter<'_> {
    /// Every parameters struct.
    pub fn operations(&self) -> TokenStream {
        let items = self
            .model
            .operations
            .iter()
            .map(|op| self.params_struct(op));
        quote! { #(#items)* }
    }

    /// The methods of the resource at `path`.
    pub fn methods_of(&self, path: &[String]) -> TokenStream {
        let root = path.is_empty();
        let items = self
            .model
            .operations
            .iter()
            .filter(|op| op.resource == path)
            .map(|op| self.method(op, root));
        quote! { #(#items)* }
    }

    /// The struct that owns the method, for doc links.
    fn owner_name(&self, op: &Operation) -> String {
        self.model
            .resources
            .iter()
            .find(|r| r.path == op.resource)
            .map_or_else(|| "Client".to_owned(), |r| r.type_name.clone())
    }

    fn fields<'o>(&self, op: &'o Operation) -> Vec<ParamField<'o>> {
        let mut out: Vec<ParamField<'o>> = op
            .params
            .iter()
            .filter(|p| p.role != ParamRole::Argument)
            .map(|p| ParamField {
                name: &p.name,
                wire: &p.wire_name,
                ty: &p.ty,
                required: p.required && p.role == ParamRole::Field,
                docs: &p.docs,
            })
            .collect();
        if let Some(body) = &op.body {
            match body.plan() {
                BodyPlan::None => {}
                BodyPlan::Single(v) | BodyPlan::FirstOnly(v) => out.extend(variant_fields(body, v)),
                BodyPlan::RawOrMultipart { multipart, .. } => {
                    out.extend(variant_fields(body, multipart))
                }
            }
        }
        out
    }

    fn params_struct(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.params_name);
        let fields = self.fields(op);
        let complexity = self.allow_complex(fields.iter().map(|f| f.ty));
        let doc = format!(
            " Parameters of [`{}::{}`].",
            self.owner_name(op),
            crate::naming::unraw(&op.method_name)
        );
        let decls = fields.iter().map(|f| {
            let doc = docs::attrs(f.docs, &format!("The `{}` parameter.", f.wire));
            let field = ident(f.name);
            let ty = self.field_type(f);
            quote! { #doc pub #field: #ty, }
        });
        let required: Vec<&ParamField<'_>> = fields.iter().filter(|f| f.required).collect();
        let new_allow = many_arguments(required.len());
        let derive = if required.is_empty() {
            quote!(#[derive(Clone, Debug, Default)])
        } else {
            quote!(#[derive(Clone, Debug)])
        };
        let args = required.iter().map(|f| {
            let field = ident(f.name);
            let ty = self.lenient(f.ty.non_null());
            quote! { #field: impl Into<#ty> }
        });
        let inits = fields.iter().map(|f| {
            let field = ident(f.name);
            if f.required {
                quote!(#field: #field.into(),)
            } else {
                quote!(#field: None,)
            }
        });
        let setters = fields.iter().filter(|f| !f.required).map(|f| {
            let field = ident(f.name);
            let ty = self.lenient(f.ty.non_null());
            let doc = format!(" Sets `{}`.", f.wire);
            quote! {
                #[doc = #doc]
                pub fn #field(mut self, value: impl Into<#ty>) -> Self {
                    self.#field = Some(value.into());
                    self
                }
            }
        });
        quote! {
            #[doc = #doc]
            #derive
            #complexity
            pub struct #name {
                #(#decls)*
                /// Per-request settings: retries and timeout.
                pub options: #rt::RequestOptions,
            }
            impl #name {
                /// Parameters with the required fields set and every optional one unset.
                #new_allow
                pub fn new(#(#args),*) -> Self {
                    Self {
                        #(#inits)*
                        options: #rt::RequestOptions::default(),
                    }
                }
                #(#setters)*
                /// Sets the per-request options.
                pub fn options(mut self, value: #rt::RequestOptions) -> Self {
                    self.options = value;
                    self
                }
            }
        }
    }

    fn field_type(&self, f: &ParamField<'_>) -> TokenStream {
        let inner = self.lenient(f.ty.non_null());
        if f.required {
            inner
        } else {
            quote!(Option<#inner>)
        }
    }

    fn method(&self, op: &Operation, root: bool) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&op.method_name);
        let params_ty = ident(&op.params_name);
        let doc = self.method_docs(op);
        let lints = self.method_lints(op);
        let args = self.method_args(op);
        let (ret, decode) = self.decoder(op);
        let core = if root {
            quote!(&self.core)
        } else {
            quote!(self.core)
        };
        let bindings = self.bindings(op);
        let checks = self.request_checks(op);
        let url = self.url_path(op);
        let query = self.pairs(op, ParamLocation::Query, "query");
        let headers = self.pairs(op, ParamLocation::Header, "headers");
        let body = self.body(op);
        let security = self.security(&op.security);
        let op_id = &op.id;
        let method = ident(op.http_method.as_str());
        let idempotent = op.idempotent;
        quote! {
            #doc
            #lints
            pub async fn #name(&self, #(#args)* params: #params_ty) -> Result<#rt::Response<#ret>, #rt::Error> {
                let core = #core;
                #bindings
                #checks
                #url
                #query
                #headers
                #body
                const SECURITY: &[&[#rt::Scheme]] = #security;
                let request = #rt::Request {
                    operation: #op_id,
                    method: #rt::Method::#method,
                    path: url_path,
                    query,
                    headers,
                    body: request_body,
                    security: SECURITY,
                    idempotent: #idempotent,
                    options: params.options,
                };
                let raw = core.send(request).await?;
                #rt::#decode(raw)
            }
        }
    }

    /// Path parameters passed as arguments: text as `impl AsRef<str>`, the rest by value.
    fn method_args(&self, op: &Operation) -> Vec<TokenStream> {
        let arguments = op.params.iter().filter(|p| p.role == ParamRole::Argument);
        arguments
            .map(|p| {
                let arg = ident(&p.name);
                let ty = if self.is_text(&p.ty) {
                    quote!(impl AsRef<str>)
                } else {
                    self.lenient(p.ty.non_null())
                };
                quote! { #arg: #ty, }
            })
            .collect()
    }

    /// The success type and the runtime function that decodes it.
    fn decoder(&self, op: &Operation) -> (TokenStream, TokenStream) {
        match &op.success {
            ResponseBody::Json(ty) => (self.lenient(ty), quote!(decode_json)),
            ResponseBody::Bytes => (quote!(bytes::Bytes), quote!(decode_bytes)),
            ResponseBody::Empty => (quote!(()), quote!(decode_empty)),
        }
    }

    /// Lints the spec's shape can trip on the method: many arguments, a nested return type.
    fn method_lints(&self, op: &Operation) -> TokenStream {
        let arguments = op
            .params
            .iter()
            .filter(|p| p.role == ParamRole::Argument)
            .count();
        // `self` and `params` count too.
        let many = many_arguments(arguments + 2);
        let complexity = match &op.success {
            ResponseBody::Json(ty) => self.allow_complex([ty]),
            _ => TokenStream::new(),
        };
        quote! { #many #complexity }
    }

    fn method_docs(&self, op: &Operation) -> TokenStream {
        let mut lines = docs::lines(&op.docs, &format!("The `{}` operation.", op.id));
        lines.push(String::new());
        lines.push(format!("`{} {}`", op.http_method.as_str(), op.path));
        lines.push(String::new());
        lines.push("# Errors".to_owned());
        lines.push(String::new());
        lines.push("A validation error before any I/O when a parameter breaks a constraint of the specification (unless validation is switched off); otherwise the transport's or the API's error.".to_owned());
        for r in op.responses.iter().filter(|r| !r.status.is_success()) {
            let desc = r.description.trim();
            if !desc.is_empty() {
                lines.push(format!(
                    "- `{}`: {}",
                    r.status.label(),
                    desc.replace('\n', " ")
                ));
            }
        }
        docs::lines_to_attrs(&lines)
    }

    /// Locals for path parameters: borrowed text, or the client's default.
    fn bindings(&self, op: &Operation) -> TokenStream {
        let items = op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| {
                let name = ident(&p.name);
                let wire = &p.wire_name;
                match p.role {
                    ParamRole::ClientDefault => {
                        quote! { let #name = core.path_default(#wire, params.#name.as_deref())?; }
                    }
                    _ if self.is_text(&p.ty) => quote! { let #name = #name.as_ref(); },
                    _ => TokenStream::new(),
                }
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
            let name = ident(&p.name);
            let value = if self.is_text(&p.ty) {
                quote!(#name)
            } else {
                quote!(&#name)
            };
            stmts.push(self.check_stmts(&p.ty, value, Some(&p.wire_name)));
        }
        for f in self.fields(op).iter().filter(|f| {
            !op.params
                .iter()
                .any(|p| p.name == f.name && p.location == ParamLocation::Path)
        }) {
            let field = ident(f.name);
            let ty = if f.required {
                f.ty.clone()
            } else {
                TypeRef::Nullable(Box::new(f.ty.non_null().clone()))
            };
            stmts.push(self.check_stmts(&ty, quote!(&params.#field), Some(f.wire)));
        }
        stmts.retain(|s| !s.is_empty());
        if stmts.is_empty() {
            return TokenStream::new();
        }
        quote! { if core.validates() { #(#stmts)* } }
    }

    fn url_path(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let capacity_literal =
            proc_macro2::Literal::usize_unsuffixed(op.path.len() + 32 * op.params.len());
        let parts = op.segments.iter().map(|part| match part {
            PathPart::Literal(text) => match single_char(text) {
                Some(c) => quote! { url_path.push(#c); },
                None => quote! { url_path.push_str(#text); },
            },
            PathPart::Param(wire) => {
                let param = op.params.iter().find(|p| &p.wire_name == wire && p.location == ParamLocation::Path);
                match param {
                    Some(p) if self.is_text(&p.ty) => {
                        let name = ident(&p.name);
                        quote! { #rt::encode::push_segment(&mut url_path, #name); }
                    }
                    Some(p) => {
                        let name = ident(&p.name);
                        quote! { #rt::encode::push_segment(&mut url_path, &#rt::encode::ToQuery::to_query(&#name)); }
                    }
                    None => TokenStream::new(),
                }
            }
        });
        quote! {
            let mut url_path = String::with_capacity(#capacity_literal);
            #(#parts)*
        }
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
            return quote! { let #var: Vec<(&'static str, String)> = Vec::new(); };
        }
        let count_literal = proc_macro2::Literal::usize_unsuffixed(params.len());
        let pushes = params.iter().map(|p| {
            let field = ident(&p.name);
            let wire = &p.wire_name;
            let push_one = |value: TokenStream| quote! { #var.push((#wire, #rt::encode::ToQuery::to_query(#value))); };
            let write = match self.resolved(&p.ty) {
                TypeRef::Array(_) if p.explode => {
                    let one = push_one(quote!(v));
                    quote! { for v in value.iter() { #one } }
                }
                TypeRef::Array(_) => quote! {
                    let joined: Vec<String> = value.iter().map(#rt::encode::ToQuery::to_query).collect();
                    #var.push((#wire, joined.join(",")));
                },
                _ => push_one(quote!(value)),
            };
            if p.required {
                quote! { { let value = &params.#field; #write } }
            } else {
                quote! { if let Some(value) = &params.#field { #write } }
            }
        });
        quote! {
            let mut #var: Vec<(&'static str, String)> = Vec::with_capacity(#count_literal);
            #(#pushes)*
        }
    }

    fn body(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let Some(body) = &op.body else {
            return quote! { let request_body = #rt::Body::Empty; };
        };
        let field = ident(&body.field_name);
        match body.plan() {
            BodyPlan::None => quote! { let request_body = #rt::Body::Empty; },
            BodyPlan::Single(v) | BodyPlan::FirstOnly(v) => {
                let built = self.variant_body(v, &field, body.required);
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
                let raw_value = self.binary_expr(quote!(params.#primary_field), &primary.ty);
                let unset = fields.iter().filter(|f| f.name != primary.name).map(|f| {
                    let name = ident(&f.name);
                    quote!(params.#name.is_none())
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

    fn variant_body(&self, v: &BodyVariant, field: &Ident, required: bool) -> TokenStream {
        let rt = &self.rt;
        let media = &v.media_type;
        match &v.kind {
            BodyKind::Json(_) if required => quote! { #rt::Body::json(&params.#field)? },
            BodyKind::Json(_) => {
                quote! { match &params.#field { Some(v) => #rt::Body::json(v)?, None => #rt::Body::Empty } }
            }
            BodyKind::Raw(ty) if required => {
                let value = self.binary_expr(quote!(params.#field), ty);
                quote! { #rt::Body::raw(#media, #value) }
            }
            BodyKind::Raw(ty) => {
                let value = self.binary_expr(quote!(v), ty);
                quote! { match params.#field { Some(v) => #rt::Body::raw(#media, #value), None => #rt::Body::Empty } }
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
            let write = match self.resolved(&f.ty) {
                TypeRef::Array(_) => quote! { for v in value { pairs.push((#wire, #rt::encode::ToQuery::to_query(v))); } },
                _ => quote! { pairs.push((#wire, #rt::encode::ToQuery::to_query(value))); },
            };
            if f.required {
                quote! { { let value = &params.#name; #write } }
            } else {
                quote! { if let Some(value) = &params.#name { #write } }
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

    /// A multipart body: one part per set field, in declaration order.
    fn multipart(&self, fields: &[FormField]) -> TokenStream {
        let rt = &self.rt;
        let count_literal = proc_macro2::Literal::usize_unsuffixed(fields.len());
        let pushes = fields.iter().map(|f| {
            let name = ident(&f.name);
            let by_value = self.is_bytes_like(&f.ty);
            let source = if by_value {
                quote!(params.#name)
            } else {
                quote!(&params.#name)
            };
            if f.required {
                let part = self.part(f, source);
                quote! { parts.push(#part); }
            } else {
                let part = self.part(f, quote!(v));
                quote! { if let Some(v) = #source { parts.push(#part); } }
            }
        });
        quote! {
            {
                let mut parts = Vec::with_capacity(#count_literal);
                #(#pushes)*
                #rt::Body::Multipart(parts)
            }
        }
    }

    /// One form part holding `value`: bytes as they are, scalars as text, the rest as JSON.
    fn part(&self, f: &FormField, value: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let wire = &f.wire_name;
        let ct = &f.content_type;
        if self.is_bytes_like(&f.ty) {
            let value = self.binary_expr(value, &f.ty);
            quote! { #rt::Part::binary(#wire, #ct, #value) }
        } else if self.is_scalar(&f.ty) {
            quote! { #rt::Part::text(#wire, Some(#ct), #rt::encode::ToQuery::to_query(#value)) }
        } else {
            quote! { #rt::Part::json(#wire, #ct, #value)? }
        }
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

/// The parameters-struct fields one body media type contributes.
fn variant_fields<'o>(
    body: &'o crate::model::RequestBody,
    v: &'o BodyVariant,
) -> Vec<ParamField<'o>> {
    match &v.kind {
        BodyKind::Json(ty) | BodyKind::Raw(ty) => vec![ParamField {
            name: &body.field_name,
            wire: "body",
            ty,
            required: body.required,
            docs: &body.docs,
        }],
        BodyKind::Multipart(fields) | BodyKind::Form(fields) => fields
            .iter()
            .map(|f| ParamField {
                name: &f.name,
                wire: &f.wire_name,
                ty: &f.ty,
                required: f.required,
                docs: &f.docs,
            })
            .collect(),
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

/// Clippy's `too_many_arguments` fires above seven; an operation with that many required
/// parameters is the spec's shape, not a mistake, so the generated item says so.
fn many_arguments(count: usize) -> TokenStream {
    if count > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    }
}
