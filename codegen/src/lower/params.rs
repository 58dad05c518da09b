//! Parameters: path, query and header; merged from the path item and the operation.

use super::{Ctx, Lowerer};
use crate::diagnostics::{join, join_index, Kind};
use crate::model::{Param, ParamLocation, ParamRole, PathPart, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use crate::refs;
use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr,
};

/// Names the generated method body uses for its locals; parameters may not take them.
pub(crate) const METHOD_LOCALS: &[&str] = &[
    "options",
    "new",
    "params",
    "core",
    "url_path",
    "query",
    "headers",
    "request_body",
    "request",
    "raw",
    "parts",
    "pairs",
    // Methods and a field of the parameters struct that setters must not shadow.
    "into_request",
    "next_page",
    "invalid",
];

/// What a parameter's schema asks for.
enum ParamType {
    /// One value of this type.
    Value(TypeRef),
    /// An object whose properties are sent as parameters of their own.
    Properties(Vec<crate::model::Field>),
}

/// Parameters that could not be lowered, so that their names are not reported again.
#[derive(Default)]
struct Refused {
    /// Names of parameters whose definition was read but refused.
    names: Vec<String>,
    /// True when a parameter could not even be read (a dangling `$ref`): its name is unknown.
    unknown: bool,
}

/// True when two parameters go to the same place (path, query, header or cookie).
fn same_place(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The extension that makes a path parameter fall back to a value set on the client.
const CLIENT_DEFAULT: &str = "x-kv-client-default";

impl<'a> Lowerer<'a> {
    /// The operation's parameters: path ones in template order, then the others as declared.
    pub(crate) fn lower_params(
        &mut self,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        segments: &[PathPart],
        ctx: &Ctx,
    ) -> (Vec<Param>, Scope) {
        let mut scope = Scope::default();
        for local in METHOD_LOCALS {
            scope.claim(local);
        }
        let mut found: Vec<Param> = Vec::new();
        let mut refused = Refused::default();
        for (param, at) in self.effective_params(op, shared, ctx, &mut refused) {
            match self.lower_param(param, &at, ctx) {
                Some(params) => found.extend(params),
                None => refused.names.push(param.parameter_data_ref().name.clone()),
            }
        }
        let ordered = self.order_params(found, segments, ctx, &refused);
        let named = ordered
            .into_iter()
            .map(|mut p| {
                p.name = scope.claim(&naming::field_name(&p.wire_name));
                p
            })
            .collect();
        (named, scope)
    }

    /// The path item's parameters and the operation's, resolved, with each path item one that
    /// the operation redeclares (same name and place) replaced before anything is lowered.
    fn effective_params<'d>(
        &mut self,
        op: &'d openapiv3::Operation,
        shared: &'d [ReferenceOr<Parameter>],
        ctx: &Ctx,
        refused: &mut Refused,
    ) -> Vec<(&'d Parameter, String)>
    where
        'a: 'd,
    {
        let shared_at = join(
            ctx.pointer.rsplit_once('/').map_or("#", |(p, _)| p),
            "parameters",
        );
        let own_at = join(&ctx.pointer, "parameters");
        let mut out: Vec<(&'d Parameter, String)> = Vec::new();
        let listed = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (p, join_index(&shared_at, i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, join_index(&own_at, i))),
            );
        for (item, at) in listed {
            let Some((param, at)) = refs::parameter(self.doc, item, &at, self.diags) else {
                refused.unknown = true;
                continue;
            };
            let data = param.parameter_data_ref();
            out.retain(|(p, _)| {
                let other = p.parameter_data_ref();
                !(other.name == data.name && same_place(p, param))
            });
            out.push((param, at));
        }
        out
    }

    /// One parameter; an exploded object query parameter becomes one per property.
    fn lower_param(&mut self, param: &Parameter, at: &str, ctx: &Ctx) -> Option<Vec<Param>> {
        let (data, location) = self.location(param, at)?;
        let ty = self.param_type(data, location, at, ctx)?;
        if let ParamType::Properties(fields) = ty {
            return self.object_param(data, fields, at);
        }
        let ParamType::Value(ty) = ty else {
            return None;
        };
        let role = self.checked_role(data, location, &ty, at);
        Some(vec![Param {
            name: String::new(),
            wire_name: data.name.clone(),
            location,
            role,
            ty,
            required: data.required || location == ParamLocation::Path,
            explode: data.explode.unwrap_or(true),
            docs: self.param_docs(data, role),
        }])
    }

    /// `?name=a&status=b` for an object `filter` (form style, exploded): each property is a
    /// query parameter of its own, required when the object and the property both are.
    fn object_param(
        &mut self,
        data: &ParameterData,
        fields: Vec<crate::model::Field>,
        at: &str,
    ) -> Option<Vec<Param>> {
        if data.explode == Some(false) {
            let message = format!(
                "object query parameter `{}` with `explode: false` (`name=k,v,k,v`) is not supported",
                data.name
            );
            self.diags
                .error(Kind::Unsupported, join(at, "explode"), message);
            return None;
        }
        let params = fields
            .into_iter()
            .map(|field| {
                let mut docs = field.docs;
                docs.notes
                    .push(format!("Part of the `{}` parameter.", data.name));
                Param {
                    name: String::new(),
                    wire_name: field.wire_name,
                    location: ParamLocation::Query,
                    role: ParamRole::Field,
                    ty: field.ty,
                    required: data.required && field.required,
                    explode: true,
                    docs,
                }
            })
            .collect();
        Some(params)
    }

    /// Where the parameter goes; unsupported places and styles are reported.
    fn location<'p>(
        &mut self,
        param: &'p Parameter,
        at: &str,
    ) -> Option<(&'p ParameterData, ParamLocation)> {
        match param {
            Parameter::Path {
                parameter_data,
                style,
            } => {
                self.check_style(
                    matches!(style, PathStyle::Simple),
                    "simple",
                    parameter_data,
                    at,
                );
                Some((parameter_data, ParamLocation::Path))
            }
            Parameter::Query {
                parameter_data,
                style,
                allow_reserved,
                ..
            } => {
                self.check_style(
                    matches!(style, QueryStyle::Form),
                    "form",
                    parameter_data,
                    at,
                );
                if *allow_reserved {
                    let message = "`allowReserved` is ignored: reserved characters are always percent-encoded";
                    self.diags
                        .warn(Kind::Ignored, join(at, "allowReserved"), message);
                }
                Some((parameter_data, ParamLocation::Query))
            }
            Parameter::Header { parameter_data, .. } => {
                Some((parameter_data, ParamLocation::Header))
            }
            Parameter::Cookie { parameter_data, .. } => {
                let message = format!(
                    "cookie parameter `{}` is not supported",
                    parameter_data.name
                );
                self.diags.error(Kind::Unsupported, at.to_owned(), message);
                None
            }
        }
    }

    /// The role, refusing a client default that is not text (the client holds strings).
    fn checked_role(
        &mut self,
        data: &ParameterData,
        location: ParamLocation,
        ty: &TypeRef,
        at: &str,
    ) -> ParamRole {
        let role = self.param_role(data, location, at);
        let text = crate::model::is_text(&self.types, ty);
        if role == ParamRole::ClientDefault && !text {
            let message = format!("client default `{}` must be a string parameter", data.name);
            self.diags.error(Kind::Invalid, at.to_owned(), message);
            return ParamRole::Argument;
        }
        role
    }

    /// The parameter's own description, else its schema's; client defaults say where the
    /// value comes from when unset.
    fn param_docs(&self, data: &ParameterData, role: ParamRole) -> crate::model::Docs {
        let mut docs = crate::model::Docs::described(data.description.as_deref());
        if docs.description.is_none() {
            docs = self.param_schema_docs(data);
        }
        if role == ParamRole::ClientDefault {
            docs.notes.push(format!(
                "When unset, the value set on the client is used (`ClientBuilder::path_default(\"{}\", …)`).",
                data.name
            ));
        }
        docs
    }

    /// Only the default serialization style of each location is supported.
    fn check_style(&mut self, is_default: bool, default: &str, data: &ParameterData, at: &str) {
        if !is_default {
            let message = format!(
                "parameter `{}` uses a `style` other than `{default}`, which is not supported",
                data.name
            );
            self.diags
                .error(Kind::Unsupported, join(at, "style"), message);
        }
    }

    fn param_schema_docs(&self, data: &ParameterData) -> crate::model::Docs {
        match &data.format {
            ParameterSchemaOrContent::Schema(s) => self.item_docs(s),
            ParameterSchemaOrContent::Content(_) => crate::model::Docs::default(),
        }
    }

    /// The parameter's type. Every value travels as text, so the schema only says how the
    /// caller passes it: untyped schemas and unions of scalars are text, `null` is absence.
    fn param_type(
        &mut self,
        data: &ParameterData,
        location: ParamLocation,
        at: &str,
        ctx: &Ctx,
    ) -> Option<ParamType> {
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => {
                let message = format!(
                    "parameter `{}` uses `content` instead of `schema`, which is not supported",
                    data.name
                );
                self.diags
                    .error(Kind::Unsupported, join(at, "content"), message);
                return None;
            }
        };
        let param_ctx = Ctx {
            pointer: join(at, "schema"),
            name: format!("{}{}", ctx.name, naming::type_name(&data.name)),
            wire: data.name.clone(),
        };
        let lowered = self.lower(schema, &param_ctx);
        let ty = self.without_null(lowered);
        if let Some(ty) = self.as_text_value(&ty) {
            return Some(ParamType::Value(ty));
        }
        if location == ParamLocation::Path {
            let message = format!(
                "path parameter `{}` is not a scalar in its schema; it is sent as text",
                data.name
            );
            self.diags.warn(Kind::Ignored, param_ctx.pointer, message);
            return Some(ParamType::Value(TypeRef::String));
        }
        if location == ParamLocation::Query {
            if let Some(fields) = self.scalar_fields(&ty) {
                return Some(ParamType::Properties(fields));
            }
        }
        let message = format!(
            "parameter `{}` must be a string, number, integer, boolean, enum, an array of them, or (in a query) an object of them",
            data.name
        );
        self.diags
            .error(Kind::Unsupported, param_ctx.pointer, message);
        None
    }

    /// `ty` as a parameter takes it, if it can be written as text: scalars and lists of them
    /// as they are; any value (`{}`) and unions of scalars as a string.
    fn as_text_value(&self, ty: &TypeRef) -> Option<TypeRef> {
        if self.is_scalar(ty) {
            return Some(ty.clone());
        }
        match crate::model::resolve(&self.types, ty) {
            TypeRef::Array(item) if self.is_scalar(item) => Some(ty.clone()),
            TypeRef::Array(item) => self
                .text_like(item)
                .then(|| TypeRef::Array(Box::new(TypeRef::String))),
            _ => self.text_like(ty).then_some(TypeRef::String),
        }
    }

    /// True for values a parameter sends as plain text: any JSON value (an untyped schema)
    /// and unions whose variants are all scalars.
    fn text_like(&self, ty: &TypeRef) -> bool {
        match crate::model::resolve(&self.types, ty) {
            TypeRef::Json => true,
            TypeRef::Named(id) => match self.types.get(id.0).map(|d| &d.kind) {
                Some(TypeKind::Union(u)) => u.variants.iter().all(|v| {
                    let ty = self.without_null(v.ty.clone());
                    self.is_scalar(&ty)
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// The properties of an object whose properties can each be a query parameter.
    fn scalar_fields(&self, ty: &TypeRef) -> Option<Vec<crate::model::Field>> {
        let TypeRef::Named(id) = crate::model::resolve(&self.types, ty) else {
            return None;
        };
        let Some(TypeKind::Struct(s)) = self.types.get(id.0).map(|d| &d.kind) else {
            return None;
        };
        let mut fields = Vec::with_capacity(s.fields.len());
        for field in &s.fields {
            let ty = self.without_null(field.ty.clone());
            let ty = self.as_text_value(&ty)?;
            fields.push(crate::model::Field {
                ty,
                ..field.clone()
            });
        }
        Some(fields)
    }

    /// `ty` without `null`, through aliases: a parameter that is absent is not sent, and a
    /// path segment or a required value cannot be null.
    pub(crate) fn without_null(&self, ty: TypeRef) -> TypeRef {
        let mut current = ty;
        for _ in 0..crate::guard::MAX_SCHEMA_DEPTH {
            current = match current {
                TypeRef::Nullable(inner) => *inner,
                TypeRef::Named(id) => match self.types.get(id.0).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target)) if self.holds_null(target) => target.clone(),
                    _ => return TypeRef::Named(id),
                },
                other => return other,
            };
        }
        current
    }

    /// True when `ty` is `Nullable`, directly or through aliases.
    fn holds_null(&self, ty: &TypeRef) -> bool {
        let mut current = ty;
        for _ in 0..crate::guard::MAX_SCHEMA_DEPTH {
            match current {
                TypeRef::Nullable(_) => return true,
                TypeRef::Named(id) => match self.types.get(id.0).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target)) => current = target,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    /// True for values written as one piece of text.
    pub(crate) fn is_scalar(&self, ty: &TypeRef) -> bool {
        crate::model::is_scalar(&self.types, ty)
    }

    fn param_role(&mut self, data: &ParameterData, location: ParamLocation, at: &str) -> ParamRole {
        static TRUE: serde_json::Value = serde_json::Value::Bool(true);
        let configured = self.client_defaults.contains(&data.name).then_some(&TRUE);
        let flag = data.extensions.get(CLIENT_DEFAULT).or(configured);
        match (flag, location) {
            (Some(serde_json::Value::Bool(true)), ParamLocation::Path) => ParamRole::ClientDefault,
            (Some(serde_json::Value::Bool(true)), _) => {
                let message = format!("`{CLIENT_DEFAULT}` applies to path parameters only");
                self.diags
                    .error(Kind::Invalid, join(at, CLIENT_DEFAULT), message);
                ParamRole::Field
            }
            (Some(serde_json::Value::Bool(false)) | None, ParamLocation::Path) => {
                ParamRole::Argument
            }
            (Some(serde_json::Value::Bool(false)) | None, _) => ParamRole::Field,
            (Some(other), _) => {
                let message =
                    format!("`{CLIENT_DEFAULT}` must be `true` or `false`, found `{other}`");
                self.diags
                    .error(Kind::Invalid, join(at, CLIENT_DEFAULT), message);
                if location == ParamLocation::Path {
                    ParamRole::Argument
                } else {
                    ParamRole::Field
                }
            }
        }
    }

    /// Path parameters in template order (each template name must be declared), then the rest.
    /// A name whose parameter was refused is not reported again as undeclared.
    fn order_params(
        &mut self,
        params: Vec<Param>,
        segments: &[PathPart],
        ctx: &Ctx,
        refused: &Refused,
    ) -> Vec<Param> {
        let mut ordered = Vec::with_capacity(params.len());
        for part in segments {
            let PathPart::Param(name) = part else {
                continue;
            };
            match params
                .iter()
                .find(|p| p.location == ParamLocation::Path && &p.wire_name == name)
            {
                Some(p) => ordered.push(p.clone()),
                None if refused.unknown || refused.names.contains(name) => {}
                None => {
                    let message =
                        format!("path parameter `{name}` is in the path template but not declared");
                    self.diags
                        .error(Kind::Invalid, ctx.pointer.clone(), message);
                }
            }
        }
        for p in &params {
            let in_template = segments
                .iter()
                .any(|s| matches!(s, PathPart::Param(n) if n == &p.wire_name));
            if p.location == ParamLocation::Path && !in_template {
                let message = format!(
                    "path parameter `{}` is declared but not in the path template",
                    p.wire_name
                );
                self.diags
                    .error(Kind::Invalid, ctx.pointer.clone(), message);
            } else if p.location != ParamLocation::Path {
                ordered.push(p.clone());
            }
        }
        ordered
    }
}
