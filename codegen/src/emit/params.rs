//! One parameters struct per operation: fields, `new`, setters, and for listings the step
//! from one page's parameters to the next.

use super::{docs, ident, Emitter};
use crate::model::{
    BodyKind, BodyPlan, BodyVariant, Docs, Holding, IntWidth, Operation, PageStyle, ParamRole,
    TypeRef, Unit,
};
use proc_macro2::TokenStream;
use quote::quote;

/// A field of a parameters struct, whatever it came from. Made only by [`ParamField::new`],
/// which asks the model's one rule ([`Holding::parameter`]) whether it is an `Option`.
pub(super) struct ParamField<'o> {
    pub name: &'o str,
    pub wire: &'o str,
    /// The type of a present value (`null` taken away: a caller sends a value or nothing).
    pub ty: &'o TypeRef,
    /// True when the field is not an `Option`: `new` takes it.
    pub required: bool,
    pub docs: &'o Docs,
    held: Holding<'o>,
}

impl<'o> ParamField<'o> {
    fn new(name: &'o str, wire: &'o str, held: Holding<'o>, docs: &'o Docs) -> Self {
        ParamField {
            name,
            wire,
            ty: held.value,
            required: !held.optional,
            docs,
            held,
        }
    }

    /// The type the field's checks are written for (`Nullable` when it is an `Option`).
    pub fn checked(&self) -> TypeRef {
        self.held.checked()
    }
}

/// How a setter takes its value.
enum Taking {
    /// `impl Into<T>`.
    Into,
    /// `impl IntoSeconds` / `impl IntoUnixSeconds` (`x-kv-unit`), into this number type.
    Unit(Unit, TokenStream),
    /// `impl Serialize`, for a field of any JSON; a value that cannot be JSON is reported
    /// by the request, not by the setter.
    Serialize,
    /// `impl IntoIterator<Item = impl Into<T>>` for a list of `T`: `["a", "b"]` for texts.
    Items(TokenStream),
}

/// A setter: a row of the runtime's `setters!` table, or a method written out.
enum Setter {
    Row(TokenStream),
    Fn(TokenStream),
}

impl Setter {
    fn into_tokens(self) -> TokenStream {
        match self {
            Setter::Row(t) | Setter::Fn(t) => t,
        }
    }
}

impl Emitter<'_> {
    /// The parameters structs of the operations of `group` ("" for the client's own).
    pub fn params_of_group(&self, group: &str) -> TokenStream {
        let ops: Vec<&Operation> = self
            .model
            .operations
            .iter()
            .filter(|op| op.resource.first().map_or("", String::as_str) == group)
            .collect();
        let (tables, security) = self.security_tables(&ops);
        let items = ops.iter().zip(&security).map(|(op, security)| {
            let request = self.request_builder(op, security);
            let next = self.next_page(op);
            self.params_struct(op, quote! { #request #next })
        });
        let items: Vec<TokenStream> = items.collect();
        // After the methods (emitted before the parameters) have named their decoders.
        let details = self.detail_fns();
        quote! { #tables #(#items)* #details }
    }

    /// The struct's fields: optional and client-default parameters, then the body's.
    pub(super) fn fields<'o>(&'o self, op: &'o Operation) -> Vec<ParamField<'o>> {
        let mut out: Vec<ParamField<'o>> = op
            .params
            .iter()
            .filter(|p| p.role != ParamRole::Argument)
            .map(|p| ParamField::new(&p.name, &p.wire_name, p.holding(), &p.docs))
            .collect();
        if let Some((_, s)) = self.flat_body(op) {
            out.extend(
                s.fields
                    .iter()
                    .map(|f| ParamField::new(&f.name, &f.wire_name, f.as_parameter(), &f.docs)),
            );
            return out;
        }
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

    /// A required JSON body that is an object of known members (or another name for one): its
    /// members become fields of the parameters struct (`CreateNamespaceParams::new(title)`),
    /// and the request puts them back together. Not when a member would clash with a
    /// parameter or the struct's own items, holds its struct inline, or members beyond the
    /// known ones are allowed.
    pub(super) fn flat_body<'o>(
        &'o self,
        op: &'o Operation,
    ) -> Option<(crate::model::TypeId, &'o crate::model::Struct)> {
        let body = op.body.as_ref().filter(|b| b.required)?;
        let BodyPlan::Single(BodyVariant {
            kind: BodyKind::Json(ty),
            ..
        }) = body.plan()
        else {
            return None;
        };
        // Through other names of the struct (a `$ref` to it, or an identical schema's).
        let TypeRef::Named(id) = self.resolved_alias(ty) else {
            return None;
        };
        let Some(crate::model::TypeKind::Struct(s)) = self.def(*id).map(|d| &d.kind) else {
            return None;
        };
        const OWN: &[&str] = &["options", "invalid", "new", "into_request", "next_page"];
        let clash = s.fields.iter().any(|f| {
            OWN.contains(&f.name.as_str())
                || op.params.iter().any(|p| p.name == f.name)
                || self.contains_directly(f.ty.non_null(), *id)
        });
        (s.additional.is_none() && !s.fields.is_empty() && !clash).then_some((*id, s))
    }

    /// The parameters struct of `op`, its constructor and setters, and `methods` (its request
    /// builder) in the same `impl`.
    fn params_struct(&self, op: &Operation, methods: TokenStream) -> TokenStream {
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
            let doc = docs::attrs(
                &self.docs_with_rules(f.docs, f.ty),
                &format!("The `{}` parameter.", f.wire),
            );
            let field = ident(f.name);
            let ty = self.field_type(f);
            quote! { #doc pub #field: #ty, }
        });
        let deferred = fields
            .iter()
            .any(|f| !f.required && matches!(self.taking(op, f), Taking::Serialize));
        let invalid_decl = deferred.then(|| {
            quote! {
                /// A value a setter could not turn into JSON, reported when the request is made.
                invalid: Option<#rt::ConstraintError>,
            }
        });
        let invalid_init = deferred.then(|| quote!(invalid: None,));
        let required: Vec<&ParamField<'_>> = fields.iter().filter(|f| f.required).collect();
        let new_allow = many_arguments(required.len());
        let derive = if required.is_empty() {
            quote!(#[derive(Clone, Debug, Default)])
        } else {
            quote!(#[derive(Clone, Debug)])
        };
        let args = required.iter().map(|f| {
            let field = ident(f.name);
            let ty = self.taken_type(op, f);
            quote! { #field: #ty }
        });
        let inits = fields.iter().map(|f| {
            let field = ident(f.name);
            if f.required {
                let value = self.converted(op, f, quote!(#field));
                quote!(#field: #value,)
            } else {
                quote!(#field: None,)
            }
        });
        // Plain setters are rows of the runtime's table; the others are written out.
        let (rows, setters): (Vec<_>, Vec<_>) = fields
            .iter()
            .filter(|f| !f.required)
            .map(|f| self.setter(op, f))
            .partition(|s| matches!(s, Setter::Row(_)));
        let rows = rows.into_iter().map(Setter::into_tokens);
        let setters = setters.into_iter().map(Setter::into_tokens);
        // With nothing required, every field starts as its default: the trait's, by its full
        // path (a setter may be named `default`, a resource handle `Default`).
        let body = if required.is_empty() {
            quote!(::std::default::Default::default())
        } else {
            quote! {
                Self {
                    #(#inits)*
                    options: #rt::RequestOptions::default(),
                    #invalid_init
                }
            }
        };
        quote! {
            #[doc = #doc]
            #derive
            #complexity
            pub struct #name {
                #(#decls)*
                /// Per-request settings: retries and timeout.
                pub options: #rt::RequestOptions,
                #invalid_decl
            }
            impl #name {
                /// Parameters with the required fields set and every optional one unset.
                #new_allow
                pub fn new(#(#args),*) -> Self {
                    #body
                }
                #(#setters)*
                #methods
            }
            #rt::setters!(#name { #(#rows)* });
        }
    }

    /// The struct that owns the method, for doc links.
    pub(super) fn owner_name(&self, op: &Operation) -> String {
        self.model
            .resources
            .iter()
            .find(|r| r.path == op.resource)
            .map_or_else(|| "Client".to_owned(), |r| r.type_name.clone())
    }

    fn field_type(&self, f: &ParamField<'_>) -> TokenStream {
        let inner = self.lenient(f.ty);
        if f.required {
            inner
        } else {
            quote!(Option<#inner>)
        }
    }

    fn taking(&self, op: &Operation, f: &ParamField<'_>) -> Taking {
        let unit = op.units.iter().find(|(name, _)| name == f.name);
        let resolved = self.resolved(f.ty);
        match (unit, resolved) {
            (Some((_, unit)), TypeRef::Integer(_) | TypeRef::Number) => {
                Taking::Unit(*unit, self.lenient(resolved))
            }
            (_, TypeRef::Json) => Taking::Serialize,
            (_, TypeRef::Array(item)) => Taking::Items(self.lenient(item)),
            _ => Taking::Into,
        }
    }

    /// The type a setter or `new` takes for `f`.
    fn taken_type(&self, op: &Operation, f: &ParamField<'_>) -> TokenStream {
        let rt = &self.rt;
        match self.taking(op, f) {
            Taking::Unit(Unit::Seconds, _) => quote!(impl #rt::units::IntoSeconds),
            Taking::Unit(Unit::UnixSeconds, _) => quote!(impl #rt::units::IntoUnixSeconds),
            // A required JSON field is set in `new`, which cannot fail.
            Taking::Serialize if !f.required => quote!(impl serde::Serialize),
            Taking::Items(item) => quote!(impl IntoIterator<Item = impl Into<#item>>),
            _ => {
                let ty = self.lenient(f.ty);
                quote!(impl Into<#ty>)
            }
        }
    }

    /// `value` (of the taken type) as the field's type.
    fn converted(&self, op: &Operation, f: &ParamField<'_>, value: TokenStream) -> TokenStream {
        let rt = &self.rt;
        match self.taking(op, f) {
            Taking::Unit(unit, number) => {
                let seconds = match unit {
                    Unit::Seconds => quote!(#rt::units::IntoSeconds::into_seconds(#value)),
                    Unit::UnixSeconds => {
                        quote!(#rt::units::IntoUnixSeconds::into_unix_seconds(#value))
                    }
                };
                match self.resolved(f.ty) {
                    TypeRef::Integer(IntWidth::I64) => seconds,
                    TypeRef::Integer(IntWidth::I32) => {
                        quote!(i32::try_from(#seconds).unwrap_or(i32::MAX))
                    }
                    _ => quote!(#seconds as #number),
                }
            }
            Taking::Items(_) => quote!(#value.into_iter().map(Into::into).collect()),
            _ => quote!(#value.into()),
        }
    }

    fn setter(&self, op: &Operation, f: &ParamField<'_>) -> Setter {
        let rt = &self.rt;
        let field = ident(f.name);
        let wire = f.wire;
        match self.taking(op, f) {
            Taking::Into => {
                let ty = self.lenient(f.ty);
                return Setter::Row(quote! { #field: #wire into #ty, });
            }
            Taking::Items(item) => return Setter::Row(quote! { #field: #wire items #item, }),
            Taking::Unit(..) | Taking::Serialize => {}
        }
        let ty = self.taken_type(op, f);
        if matches!(self.taking(op, f), Taking::Serialize) {
            let doc = format!(" Sets `{wire}` to `value` as JSON (anything `Serialize`); a value that is not JSON (a map with non-text keys, say) fails the call before anything is sent.");
            return Setter::Fn(quote! {
                #[doc = #doc]
                pub fn #field(mut self, value: #ty) -> Self {
                    match serde_json::to_value(value) {
                        Ok(value) => self.#field = Some(value),
                        Err(e) => self.invalid = Some(#rt::ConstraintError::parse(#wire, "JSON", e)),
                    }
                    self
                }
            });
        }
        let doc = match self.taking(op, f) {
            Taking::Unit(Unit::Seconds, _) => format!(" Sets `{wire}`, in whole seconds: an integer or a `Duration` (fractions of a second are dropped)."),
            Taking::Unit(Unit::UnixSeconds, _) => format!(" Sets `{wire}`, in whole seconds since the UNIX epoch: an integer or a `SystemTime` (fractions of a second are dropped)."),
            _ => format!(" Sets `{wire}`."),
        };
        let value = self.converted(op, f, quote!(value));
        Setter::Fn(quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: #ty) -> Self {
                self.#field = Some(#value);
                self
            }
        })
    }

    /// For a listing, the parameters of the page after the one fetched with `self`.
    fn next_page(&self, op: &Operation) -> TokenStream {
        let Some(pagination) = &op.pagination else {
            return TokenStream::new();
        };
        let rt = &self.rt;
        let item = self.lenient(&pagination.item);
        let (field, step) = match &pagination.style {
            PageStyle::Cursor { param } => {
                let field = ident(param);
                let step = quote! {
                    let next = #rt::next_cursor(self.#field.as_deref(), page.result_info())?;
                    Some(Self { #field: Some(next), ..self.clone() })
                };
                (field, step)
            }
            PageStyle::Page { param } => {
                let field = ident(param);
                let (current, next) = match self.resolved_param(op, param) {
                    Some(TypeRef::Number) => {
                        (quote!(self.#field.map(|n| n as u64)), quote!(next as f64))
                    }
                    Some(TypeRef::Integer(IntWidth::I32)) => (
                        quote!(self.#field.and_then(|n| u64::try_from(n).ok())),
                        quote!(i32::try_from(next).ok()?),
                    ),
                    _ => (
                        quote!(self.#field.and_then(|n| u64::try_from(n).ok())),
                        quote!(i64::try_from(next).ok()?),
                    ),
                };
                let step = quote! {
                    let next = #rt::next_page(#current, page.body().len(), page.result_info())?;
                    Some(Self { #field: Some(#next), ..self.clone() })
                };
                (field, step)
            }
        };
        let doc = format!(
            " The parameters of the page after `page`, which these fetched (`None` after the last): `{}` moves on, the rest stays.",
            crate::naming::unraw(&field.to_string())
        );
        quote! {
            #[doc = #doc]
            fn next_page(&self, page: &#rt::Response<Vec<#item>>) -> Option<Self> {
                #step
            }
        }
    }

    /// What the parameter `name` of `op` is made of.
    fn resolved_param<'o>(&'o self, op: &'o Operation, name: &str) -> Option<&'o TypeRef> {
        let p = op.params.iter().find(|p| p.name == name)?;
        Some(self.resolved(&p.ty))
    }
}

/// The parameters-struct fields one body media type contributes.
fn variant_fields<'o>(
    body: &'o crate::model::RequestBody,
    v: &'o BodyVariant,
) -> Vec<ParamField<'o>> {
    match &v.kind {
        BodyKind::Json(ty) | BodyKind::Raw(ty) => vec![ParamField::new(
            &body.field_name,
            "body",
            body.holding(ty),
            &body.docs,
        )],
        BodyKind::Multipart(fields) | BodyKind::Form(fields) => fields
            .iter()
            .map(|f| ParamField::new(&f.name, &f.wire_name, f.holding(), &f.docs))
            .collect(),
    }
}

/// Clippy's `too_many_arguments` fires above seven; an operation with that many required
/// parameters is the spec's shape, not a mistake, so the generated item says so.
pub(super) fn many_arguments(count: usize) -> TokenStream {
    if count > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    }
}
