//! Responses: status codes, ranges and `default`, and the type a success decodes to.

use super::{Ctx, Lowerer};
use crate::diagnostics::{join, Kind};
use crate::model::{ResponseBody, ResponseDef, StatusMatch};
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
        first.body.clone()
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
