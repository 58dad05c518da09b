//! Parameters: path, query and header; merged from the path item and the operation.

use super::{Ctx, Lowerer};
use crate::diagnostics::{join, join_index, Kind};
use crate::model::{Param, ParamLocation, ParamRole, PathPart, TypeRef};
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

/// The extension that makes a path parameter fall back to a value set on the client.
const CLIENT_DEFAULT: &str = "x-kv-client-default";

impl Lowerer<'_> {
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
        let shared_at = join(
            ctx.pointer.rsplit_once('/').map_or("#", |(p, _)| p),
            "parameters",
        );
        let own_at = join(&ctx.pointer, "parameters");
        let all = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (p, join_index(&shared_at, i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, join_index(&own_at, i))),
            );
        for (item, at) in all {
            let Some(param) = self.lower_param(item, &at, ctx) else {
                continue;
            };
            // An operation's parameter replaces the path item's one of the same name and place.
            found.retain(|p| !(p.wire_name == param.wire_name && p.location == param.location));
            found.push(param);
        }
        let ordered = self.order_params(found, segments, ctx);
        let named = ordered
            .into_iter()
            .map(|mut p| {
                p.name = scope.claim(&naming::field_name(&p.wire_name));
                p
            })
            .collect();
        (named, scope)
    }

    fn lower_param(&mut self, item: &ReferenceOr<Parameter>, at: &str, ctx: &Ctx) -> Option<Param> {
        let (param, at) = refs::parameter(self.doc, item, at, self.diags)?;
        let (data, location) = self.location(param, &at)?;
        let ty = self.param_type(data, &at, ctx)?;
        let role = self.checked_role(data, location, &ty, &at);
        Some(Param {
            name: String::new(),
            wire_name: data.name.clone(),
            location,
            role,
            ty,
            required: data.required || location == ParamLocation::Path,
            explode: data.explode.unwrap_or(true),
            docs: self.param_docs(data, role),
        })
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

    /// The parameter's type; only values that fit in a path, query or header are accepted.
    fn param_type(&mut self, data: &ParameterData, at: &str, ctx: &Ctx) -> Option<TypeRef> {
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
        let ty = self.lower(schema, &param_ctx);
        if self.is_scalar(&ty)
            || matches!(ty.non_null(), TypeRef::Array(item) if self.is_scalar(item))
        {
            return Some(ty);
        }
        let message = format!(
            "parameter `{}` must be a string, number, integer, boolean, enum, or an array of them",
            data.name
        );
        self.diags
            .error(Kind::Unsupported, param_ctx.pointer, message);
        None
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
    fn order_params(&mut self, params: Vec<Param>, segments: &[PathPart], ctx: &Ctx) -> Vec<Param> {
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
