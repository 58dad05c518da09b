//! Responses: status codes, ranges and `default`, and the type a success decodes to.

use super::{Ctx, Lowerer};
use crate::diagnostics::{join, Kind};
use crate::model::{
    Envelope, PageStyle, Pagination, Param, ParamLocation, ResponseBody, ResponseDef, StatusMatch,
    TypeKind, TypeRef,
};
use crate::naming;
use crate::refs;
use openapiv3::{ReferenceOr, Response, Responses, StatusCode};

impl Lowerer<'_> {
    /// Every documented response, and the body a success is decoded as.
    pub(crate) fn lower_responses(
        &mut self,
        responses: &Responses,
        ctx: &Ctx,
    ) -> (Vec<ResponseDef>, ResponseBody) {
        let at = join(&ctx.pointer, "responses");
        let mut entries: Vec<(StatusMatch, &ReferenceOr<Response>)> = responses
            .responses
            .iter()
            .map(|(code, r)| (status_of(code), r))
            .collect();
        if let Some(default) = &responses.default {
            entries.push((StatusMatch::Default, default));
        }
        let mut defs = Vec::with_capacity(entries.len());
        let mut first_success = true;
        for (status, item) in entries {
            let name = if status.is_success() && first_success {
                first_success = false;
                format!("{}Response", ctx.name)
            } else {
                format!("{}Response{}", ctx.name, naming::type_name(&status.label()))
            };
            let here = Ctx {
                pointer: join(&at, &status.label()),
                name,
                wire: "response".to_owned(),
            };
            if let Some(def) = self.lower_response(status, item, &here) {
                defs.push(def);
            }
        }
        let success = self.success_body(&defs, &at);
        (defs, success)
    }

    fn lower_response(
        &mut self,
        status: StatusMatch,
        item: &ReferenceOr<Response>,
        ctx: &Ctx,
    ) -> Option<ResponseDef> {
        let (response, at) = refs::response(self.doc, item, &ctx.pointer, self.diags)?;
        let content_at = join(&at, "content");
        let json = response.content.iter().find(|(mt, _)| is_json(mt));
        let body = match json {
            Some((mt, media)) if !status.is_success() => {
                let schema_ctx = ctx.at(join(&join(&content_at, mt), "schema"));
                self.error_body(media.schema.as_ref(), &schema_ctx)
            }
            Some((mt, media)) => {
                let schema_ctx = ctx.at(join(&join(&content_at, mt), "schema"));
                ResponseBody::Json(
                    media
                        .schema
                        .as_ref()
                        .map_or(crate::model::TypeRef::Json, |s| self.lower(s, &schema_ctx)),
                )
            }
            None if response.content.is_empty() => ResponseBody::Empty,
            None => ResponseBody::Bytes,
        };
        Some(ResponseDef {
            status,
            body,
            description: response.description.clone(),
        })
    }

    /// The body of an error answer: its schema's type, which the method decodes into
    /// `Error::detail`, unless it is an envelope (`success` with `errors`, Cloudflare's),
    /// which the runtime already reads into the error's codes and messages: that one, and a
    /// body without a schema, stay `Json` and get no decoder.
    fn error_body(
        &mut self,
        schema: Option<&ReferenceOr<openapiv3::Schema>>,
        ctx: &Ctx,
    ) -> ResponseBody {
        let Some(schema) = schema.filter(|s| !self.declares_success(s)) else {
            return ResponseBody::Json(TypeRef::Json);
        };
        ResponseBody::Json(self.lower(schema, ctx))
    }

    /// Whether a schema (through its `$ref`, and the members of an `allOf`) is an object
    /// with a `success` member: an envelope, checked before lowering so that an inline one
    /// adds no unused types.
    fn declares_success(&self, schema: &ReferenceOr<openapiv3::Schema>) -> bool {
        let has = |schema: &ReferenceOr<openapiv3::Schema>| {
            let body = refs::schema_body(self.doc, schema);
            match body.map(|b| &b.schema_kind) {
                Some(openapiv3::SchemaKind::Type(openapiv3::Type::Object(o))) => {
                    o.properties.contains_key("success")
                }
                Some(openapiv3::SchemaKind::Any(any)) => any.properties.contains_key("success"),
                _ => false,
            }
        };
        match refs::schema_body(self.doc, schema).map(|b| &b.schema_kind) {
            Some(openapiv3::SchemaKind::AllOf { all_of }) => all_of.iter().any(has),
            _ => has(schema),
        }
    }

    /// The one body every success shares; when they differ, the first, with a warning.
    fn success_body(&mut self, defs: &[ResponseDef], at: &str) -> ResponseBody {
        let mut successes = defs.iter().filter(|d| d.status.is_success());
        let Some(first) = successes.next() else {
            return ResponseBody::Empty;
        };
        if successes.any(|d| d.body != first.body) {
            let message = format!(
                "success responses differ in type; the method decodes the `{}` one",
                first.status.label()
            );
            self.diags.warn(Kind::Unsupported, at.to_owned(), message);
        }
        match &first.body {
            ResponseBody::Json(ty) => self.envelope(ty),
            other => other.clone(),
        }
    }

    /// A JSON body that is an object with `success` and `result` members (Cloudflare's
    /// envelope) is decoded to its `result`; an envelope whose `result` is an object with no
    /// declared members that may be `null` (or that has no `result`) carries nothing.
    fn envelope(&self, ty: &TypeRef) -> ResponseBody {
        let Some(fields) = self.struct_fields(ty) else {
            return ResponseBody::Json(ty.clone());
        };
        let member = |wire: &str| fields.iter().find(|f| f.wire_name == wire);
        let Some(_) = member("success") else {
            return ResponseBody::Json(ty.clone());
        };
        let result_info = member("result_info").map(|f| f.ty.clone());
        let nothing = ResponseBody::Envelope(Envelope {
            whole: ty.clone(),
            result: None,
            result_info: result_info.clone(),
        });
        let Some(result) = member("result") else {
            let enveloped = member("errors").is_some() || member("messages").is_some();
            return if enveloped {
                nothing
            } else {
                ResponseBody::Json(ty.clone())
            };
        };
        if self.is_empty_object(&result.ty) {
            return nothing;
        }
        // A result that may be missing reads as `null`: only an `Option` holds both.
        let result_ty = if result.required || result.ty.is_nullable() {
            result.ty.clone()
        } else {
            TypeRef::Nullable(Box::new(result.ty.clone()))
        };
        ResponseBody::Envelope(Envelope {
            whole: ty.clone(),
            result: Some(result_ty),
            result_info,
        })
    }

    /// The members of the struct `ty` names (through aliases), if it is one.
    fn struct_fields(&self, ty: &TypeRef) -> Option<&[crate::model::Field]> {
        let TypeRef::Named(id) = crate::model::resolve(&self.types, ty) else {
            return None;
        };
        match self.types.get(id.0).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        }
    }

    /// `{type: object, nullable: true}` with no members: what "no result" looks like.
    fn is_empty_object(&self, ty: &TypeRef) -> bool {
        let nullable = ty.is_nullable() || self.is_nullable_alias(ty);
        let resolved = crate::model::resolve(&self.types, ty);
        let empty = match resolved {
            TypeRef::JsonObject => true,
            TypeRef::Named(id) => matches!(
                self.types.get(id.0).map(|d| &d.kind),
                Some(TypeKind::Struct(s)) if s.fields.is_empty()
            ),
            _ => false,
        };
        nullable && empty
    }

    fn is_nullable_alias(&self, ty: &TypeRef) -> bool {
        let mut current = ty;
        for _ in 0..32 {
            match current {
                TypeRef::Nullable(_) => return true,
                TypeRef::Named(id) => match self.types.get(id.0).map(|d| &d.kind) {
                    Some(TypeKind::Alias(next)) => current = next,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    /// How a listing pages: from `x-kv-pagination` (`cursor`, `page`, `false`, or an object
    /// `{style, param}`), else detected: a list `result` with a `result_info` that has
    /// `cursor` and a `cursor` query parameter pages by cursor; one whose `result_info` has
    /// `total_pages` or `total_count` and a `page` query parameter pages by number.
    pub(crate) fn pagination(
        &mut self,
        op: &openapiv3::Operation,
        params: &[Param],
        success: &ResponseBody,
        pointer: &str,
    ) -> Option<Pagination> {
        let at = join(pointer, "x-kv-pagination");
        let explicit = op.extensions.get("x-kv-pagination");
        let ResponseBody::Envelope(envelope) = success else {
            if explicit.is_some_and(|v| v != &serde_json::Value::Bool(false)) {
                let message = "`x-kv-pagination` needs a success answer that is an envelope with a list `result`; ignored";
                self.diags.warn(Kind::Ignored, at, message);
            }
            return None;
        };
        let result = envelope
            .result
            .as_ref()
            .map(|t| crate::model::resolve(&self.types, t));
        let item = match result {
            Some(TypeRef::Array(item)) => (**item).clone(),
            _ => {
                if explicit.is_some_and(|v| v != &serde_json::Value::Bool(false)) {
                    let message = "`x-kv-pagination` needs a `result` that is a list; ignored";
                    self.diags.warn(Kind::Ignored, at, message);
                }
                return None;
            }
        };
        let style = match explicit {
            None => self.detected_style(envelope, params),
            Some(value) => self.explicit_style(value, params, &at),
        }?;
        Some(Pagination { style, item })
    }

    fn detected_style(&self, envelope: &Envelope, params: &[Param]) -> Option<PageStyle> {
        let info = self.struct_fields(envelope.result_info.as_ref()?)?;
        let has = |wire: &str| info.iter().any(|f| f.wire_name == wire);
        if has("cursor") {
            if let Some(param) = self.query_param(params, "cursor", true) {
                return Some(PageStyle::Cursor { param });
            }
        }
        if has("total_pages") || has("total_count") {
            if let Some(param) = self.query_param(params, "page", false) {
                return Some(PageStyle::Page { param });
            }
        }
        None
    }

    fn explicit_style(
        &mut self,
        value: &serde_json::Value,
        params: &[Param],
        at: &str,
    ) -> Option<PageStyle> {
        let (style, param) = match value {
            serde_json::Value::Bool(false) => return None,
            serde_json::Value::String(style) => (style.as_str(), None),
            serde_json::Value::Object(map) => (
                map.get("style").and_then(|v| v.as_str()).unwrap_or(""),
                map.get("param").and_then(|v| v.as_str()),
            ),
            _ => ("", None),
        };
        let found = match style {
            "cursor" => self
                .query_param(params, param.unwrap_or("cursor"), true)
                .map(|param| PageStyle::Cursor { param }),
            "page" => self
                .query_param(params, param.unwrap_or("page"), false)
                .map(|param| PageStyle::Page { param }),
            _ => {
                let message = format!("`x-kv-pagination` must be `cursor`, `page`, `false` or `{{style, param}}`, found `{value}`; ignored");
                self.diags.warn(Kind::Invalid, at.to_owned(), message);
                return None;
            }
        };
        if found.is_none() {
            let message = format!("`x-kv-pagination: {style}` needs an optional query parameter of the right type for it (text for a cursor, a number for a page); ignored");
            self.diags.warn(Kind::Invalid, at.to_owned(), message);
        }
        found
    }

    /// The Rust name of the optional query parameter `wire` when it has the type paging
    /// needs (text for a cursor, a number for a page).
    fn query_param(&self, params: &[Param], wire: &str, text: bool) -> Option<String> {
        let p = params
            .iter()
            .find(|p| p.wire_name == wire && p.location == ParamLocation::Query)?;
        let fits = if text {
            crate::model::is_text(&self.types, &p.ty)
        } else {
            matches!(
                crate::model::resolve(&self.types, &p.ty),
                TypeRef::Integer(_) | TypeRef::Number
            )
        };
        (fits && !p.required).then(|| p.name.clone())
    }
}

fn status_of(code: &StatusCode) -> StatusMatch {
    match code {
        StatusCode::Code(c) => StatusMatch::Code(*c),
        StatusCode::Range(r) => StatusMatch::Range(*r),
    }
}

/// The media type without parameters, lower case: `Text/Plain; charset=x` → `text/plain`.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `application/json` and the `+json` family.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}
