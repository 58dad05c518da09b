//! Operations: path templates, names, request bodies and security.

use super::{Ctx, Lowerer};
use crate::diagnostics::{join, join_index, Kind};
use crate::model::{
    BodyKind, BodyVariant, Docs, FormField, HttpMethod, Operation, Param, PathPart, RequestBody,
    Scheme, Siblings, TypeRef, Unit,
};
use crate::naming;
use crate::refs;
use openapiv3::{
    APIKeyLocation, MediaType, Parameter, PathItem, ReferenceOr, SecurityRequirement,
    SecurityScheme,
};

impl Lowerer<'_> {
    /// Lowers every operation of every path, in document order, each with the first error
    /// recorded while lowering it (see [`super::leave_out`]).
    pub(crate) fn lower_operations(&mut self) -> Vec<super::leave_out::Lowered> {
        let mut ops = Vec::new();
        let doc = self.doc;
        let shared = shared_id_words(doc);
        for (path, item) in &doc.paths.paths {
            let pointer = join("#/paths", path);
            let ReferenceOr::Item(item) = item else {
                self.diags.error(
                    Kind::Unsupported,
                    pointer,
                    "a path item given by `$ref` is not supported",
                );
                continue;
            };
            for (method, op) in methods(item) {
                let at = join(&pointer, &method.as_str().to_ascii_lowercase());
                let mark = self.diags.mark();
                let named = Named {
                    path,
                    method,
                    shared,
                };
                let operation = self.lower_operation(named, op, &item.parameters, at.clone());
                ops.push(super::leave_out::Lowered {
                    id: operation_id(op, method, path),
                    operation,
                    pointer: at,
                    error: self.diags.first_error_since(mark).cloned(),
                });
            }
        }
        ops
    }

    fn lower_operation(
        &mut self,
        named: Named<'_>,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        pointer: String,
    ) -> Option<Operation> {
        let Named {
            path,
            method,
            shared: shared_words,
        } = named;
        let id = operation_id(op, method, path);
        let segments = parse_path(path, &pointer, self)?;
        let (resource, method_name, resource_from_path) =
            self.preferred_names(op, method, &segments, &pointer);
        let base = type_base(
            &method_name,
            &short_id(&id, shared_words),
            resource.last().map(String::as_str),
        );
        if !op.servers.is_empty() {
            let message =
                "per-operation `servers` are ignored: every method uses the client's base URL";
            self.diags
                .warn(Kind::Ignored, join(&pointer, "servers"), message);
        }
        if !op.callbacks.is_empty() {
            self.diags.warn(
                Kind::Ignored,
                join(&pointer, "callbacks"),
                "`callbacks` describe requests the server makes; nothing is generated for them",
            );
        }
        let ctx = Ctx {
            pointer: pointer.clone(),
            name: base.clone(),
            wire: id.clone(),
        };
        let (params, mut scope) = self.lower_params(op, shared, &segments, &ctx);
        let units = self.units(op, shared, &params, &pointer);
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| self.lower_body(b, &ctx, &mut scope));
        let (responses, success) = self.lower_responses(&op.responses, &ctx);
        let pagination = self.pagination(op, &params, &success, &pointer);
        let security = self.lower_security(
            op.security.as_ref().or(self.doc.security.as_ref()),
            &pointer,
        );
        let mut docs = Docs {
            summary: op.summary.clone(),
            description: op.description.clone(),
            notes: Vec::new(),
        };
        if op.deprecated {
            docs.notes.push("Deprecated by the API.".to_owned());
        }
        // Claimed later in the module of the operation's group (see `resources::assign`).
        let params_name = format!("{base}Params");
        let idempotent = method.is_idempotent() || self.marked_idempotent(op, &pointer);
        Some(Operation {
            id,
            method_name,
            resource,
            resource_from_path,
            params_name,
            http_method: method,
            path: path.to_owned(),
            segments,
            params,
            body,
            success,
            responses,
            security,
            pagination,
            units,
            siblings: Siblings::default(),
            idempotent,
            docs,
            pointer,
        })
    }

    /// The unit of each parameter whose schema says `x-kv-unit` (on the schema, a
    /// referenced component, or a member of an `allOf` around one).
    fn units(
        &mut self,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        params: &[Param],
        pointer: &str,
    ) -> Vec<(String, Unit)> {
        let doc = self.doc;
        // Problems with these parameters were reported when they were lowered.
        let mut scratch = crate::Diagnostics::default();
        let mut out = Vec::new();
        for item in shared.iter().chain(&op.parameters) {
            let Some((param, _)) = refs::parameter(doc, item, pointer, &mut scratch) else {
                continue;
            };
            let data = param.parameter_data_ref();
            let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                continue;
            };
            let Some(unit) = self.unit_of(schema, &join(pointer, &data.name)) else {
                continue;
            };
            let Some(p) = params.iter().find(|p| p.wire_name == data.name) else {
                continue;
            };
            let numeric = matches!(
                crate::model::resolve(&self.types, &p.ty),
                TypeRef::Integer(_) | TypeRef::Number
            );
            if !numeric {
                let message = format!(
                    "`x-kv-unit` applies to integer and number parameters; `{}` is neither, so its setter takes its own type",
                    data.name
                );
                self.diags
                    .warn(Kind::Ignored, join(pointer, "parameters"), message);
                continue;
            }
            out.retain(|(name, _)| name != &p.name);
            out.push((p.name.clone(), unit));
        }
        out
    }

    /// `x-kv-unit` of a schema, looking through `$ref`s and one level of `allOf`.
    fn unit_of(&mut self, item: &ReferenceOr<openapiv3::Schema>, pointer: &str) -> Option<Unit> {
        let schema = refs::schema_body(self.doc, item)?;
        if let Some(value) = schema.schema_data.extensions.get("x-kv-unit") {
            let unit = value.as_str().and_then(Unit::from_name);
            if unit.is_none() {
                let message = format!(
                    "`x-kv-unit` must be `seconds` or `unix-seconds`, found `{value}`; ignored"
                );
                self.diags
                    .warn(Kind::Invalid, join(pointer, "x-kv-unit"), message);
            }
            return unit;
        }
        let openapiv3::SchemaKind::AllOf { all_of } = &schema.schema_kind else {
            return None;
        };
        all_of.iter().find_map(|member| {
            let body = refs::schema_body(self.doc, member)?;
            body.schema_data
                .extensions
                .get("x-kv-unit")
                .and_then(|v| v.as_str())
                .and_then(Unit::from_name)
        })
    }

    /// `x-kv-idempotent: true` on an operation whose method is not idempotent by definition
    /// (a POST that only reads, or deletes by key) lets the runtime retry it.
    fn marked_idempotent(&mut self, op: &openapiv3::Operation, pointer: &str) -> bool {
        match op.extensions.get("x-kv-idempotent") {
            None => false,
            Some(serde_json::Value::Bool(flag)) => *flag,
            Some(_) => {
                self.diags.error(
                    Kind::Invalid,
                    join(pointer, "x-kv-idempotent"),
                    "`x-kv-idempotent` must be `true` or `false`",
                );
                false
            }
        }
    }

    /// The request body in each of its media types.
    fn lower_body(
        &mut self,
        item: &ReferenceOr<openapiv3::RequestBody>,
        ctx: &Ctx,
        scope: &mut naming::Scope,
    ) -> Option<RequestBody> {
        let at = join(&ctx.pointer, "requestBody");
        let (body, at) = refs::request_body(self.doc, item, &at, self.diags)?;
        let content_at = join(&at, "content");
        let mut variants = Vec::new();
        for (media_type, media) in &body.content {
            let media_ctx = Ctx {
                pointer: join(&content_at, media_type),
                name: format!("{}Body", ctx.name),
                wire: "body".to_owned(),
            };
            if let Some(kind) = self.body_kind(media_type, media, &media_ctx, scope) {
                variants.push(BodyVariant {
                    media_type: media_type.clone(),
                    kind,
                });
            }
        }
        if body.content.is_empty() {
            self.diags.error(
                Kind::Invalid,
                content_at,
                "a request body needs at least one media type",
            );
            return None;
        }
        if variants.is_empty() {
            return None; // each media type was refused with its own error
        }
        let field_name = scope.claim("body");
        if variants.len() > 1
            && matches!(
                RequestBody {
                    required: false,
                    variants: variants.clone(),
                    field_name: String::new(),
                    docs: Docs::default()
                }
                .plan(),
                crate::model::BodyPlan::FirstOnly(_)
            )
        {
            let message = "the generator picks a media type only between raw bytes and a multipart form whose other fields are optional; the method sends the first media type";
            self.diags
                .warn(Kind::Unsupported, content_at.clone(), message);
        }
        Some(RequestBody {
            required: body.required,
            variants,
            field_name,
            docs: Docs::described(body.description.as_deref()),
        })
    }

    /// How one media type is encoded, from its name and schema.
    fn body_kind(
        &mut self,
        media_type: &str,
        media: &MediaType,
        ctx: &Ctx,
        scope: &mut naming::Scope,
    ) -> Option<BodyKind> {
        let essence = super::responses::essence(media_type);
        let schema_ctx = ctx.at(join(&ctx.pointer, "schema"));
        if super::responses::is_json(media_type) {
            let ty = media
                .schema
                .as_ref()
                .map_or(TypeRef::Json, |s| self.lower(s, &schema_ctx));
            // A body that is sent is never `null`: the caller passes a value or no body.
            return Some(BodyKind::Json(self.without_null(ty)));
        }
        if essence == "multipart/form-data" {
            return self.multipart(media, ctx, scope);
        }
        if essence == "application/x-www-form-urlencoded" {
            return self.url_encoded_form(media, ctx, scope);
        }
        // Everything else is sent as bytes: octet-stream, text/*, images, `*/*`.
        let ty = media
            .schema
            .as_ref()
            .map_or(TypeRef::Binary, |s| self.lower(s, &schema_ctx));
        let ty = self.without_null(ty);
        Some(BodyKind::Raw(self.raw_body_type(
            ty,
            media_type,
            &schema_ctx.pointer,
        )))
    }

    /// True for text, binary, and named types (newtypes, unions, aliases) made only of them.
    pub(crate) fn is_bytes_like(&self, ty: &TypeRef) -> bool {
        crate::model::is_bytes_like(&self.types, ty)
    }

    /// `multipart/form-data`: one part per property of an object schema.
    fn multipart(
        &mut self,
        media: &MediaType,
        ctx: &Ctx,
        scope: &mut naming::Scope,
    ) -> Option<BodyKind> {
        self.form_fields(media, ctx, scope, "multipart/form-data")
            .map(BodyKind::Multipart)
    }

    /// `application/x-www-form-urlencoded`: one `name=value` pair per scalar property (arrays
    /// repeat the name), encoded like a query string.
    fn url_encoded_form(
        &mut self,
        media: &MediaType,
        ctx: &Ctx,
        scope: &mut naming::Scope,
    ) -> Option<BodyKind> {
        let fields = self.form_fields(media, ctx, scope, "application/x-www-form-urlencoded")?;
        let mut ok = true;
        for f in &fields {
            let scalar = self.is_scalar(&f.ty)
                || matches!(f.ty.non_null(), TypeRef::Array(item) if self.is_scalar(item));
            if !scalar {
                let message = format!("form field `{}` must be a string, number, integer, boolean, enum, or an array of them", f.wire_name);
                self.diags.error(
                    Kind::Unsupported,
                    join(
                        &join(&join(&ctx.pointer, "schema"), "properties"),
                        &f.wire_name,
                    ),
                    message,
                );
                ok = false;
            }
        }
        ok.then_some(BodyKind::Form(fields))
    }

    /// The properties of a form body's object schema, one field each.
    fn form_fields(
        &mut self,
        media: &MediaType,
        ctx: &Ctx,
        scope: &mut naming::Scope,
        media_type: &str,
    ) -> Option<Vec<FormField>> {
        let at = join(&ctx.pointer, "schema");
        let Some(schema) = media.schema.as_ref() else {
            let message = format!("a `{media_type}` body needs an object schema");
            self.diags
                .error(Kind::Invalid, ctx.pointer.clone(), message);
            return None;
        };
        let Some(parts) = self.form_parts(schema, &at).filter(|p| !p.props.is_empty()) else {
            let message = format!("a `{media_type}` schema must be an object with properties (or a union of such objects)");
            self.diags.error(Kind::Unsupported, at, message);
            return None;
        };
        let mut fields = Vec::new();
        for (wire, prop, prop_at) in &parts.props {
            let field_ctx = Ctx {
                pointer: prop_at.clone(),
                name: format!("{}{}", ctx.name, naming::type_name(wire)),
                wire: wire.clone(),
            };
            // A part is sent or left out, never `null`.
            let ty = self.lower_boxed(prop, &field_ctx);
            let ty = self.without_null(ty);
            let content_type = match media
                .encoding
                .get(wire)
                .and_then(|e| e.content_type.clone())
            {
                Some(ct) => ct,
                None => self.default_part_type(&ty),
            };
            fields.push(FormField {
                name: scope.claim(&naming::field_name(wire)),
                wire_name: wire.clone(),
                ty,
                required: parts.required.contains(wire),
                content_type,
                docs: self.boxed_docs(prop),
            });
        }
        for name in media.encoding.keys() {
            if !parts.props.iter().any(|(w, _, _)| w == name) {
                let message =
                    format!("`encoding` names `{name}`, which is not a property of the schema");
                self.diags.error(
                    Kind::Invalid,
                    join(&join(&ctx.pointer, "encoding"), name),
                    message,
                );
            }
        }
        Some(fields)
    }

    /// The OpenAPI default `Content-Type` of a form part: bytes, text, or JSON.
    fn default_part_type(&self, ty: &TypeRef) -> String {
        if self.is_bytes_like(ty) {
            let text_only = matches!(ty, TypeRef::String);
            return if text_only {
                "text/plain"
            } else {
                "application/octet-stream"
            }
            .to_owned();
        }
        match ty.non_null() {
            TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean => "text/plain".to_owned(),
            _ => "application/json".to_owned(),
        }
    }

    /// Security alternatives: each requirement is one alternative of schemes sent together.
    fn lower_security(
        &mut self,
        reqs: Option<&Vec<SecurityRequirement>>,
        pointer: &str,
    ) -> Vec<Vec<Scheme>> {
        let Some(reqs) = reqs else { return Vec::new() };
        let at = join(pointer, "security");
        let mut out = Vec::new();
        for (i, req) in reqs.iter().enumerate() {
            let mut alt = Vec::new();
            for name in req.keys() {
                match refs::security_scheme(self.doc, name) {
                    Some(ReferenceOr::Item(scheme)) => alt.push(scheme_of(scheme)),
                    _ => {
                        let message = format!("security scheme `{name}` is not defined in `components/securitySchemes`");
                        self.diags
                            .error(Kind::Reference, join(&join_index(&at, i), name), message);
                    }
                }
            }
            out.push(alt);
        }
        out
    }
}

/// Where an operation is and how many leading words of its id every operation shares.
#[derive(Clone, Copy)]
struct Named<'p> {
    path: &'p str,
    method: HttpMethod,
    shared: usize,
}

/// The words of an operation id (`workers-kv-namespace-list-keys` → 5 words).
fn id_words(id: &str) -> Vec<String> {
    naming::unraw(&naming::field_name(id))
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many leading words all operation ids share, when two or more (`workers-kv-namespace-…`
/// in Cloudflare's KV extract), so that type names leave them out: in one module per group
/// they would only make every name longer. Operations without an id share nothing.
fn shared_id_words(doc: &openapiv3::OpenAPI) -> usize {
    let mut ids = doc
        .paths
        .paths
        .values()
        .filter_map(|item| match item {
            ReferenceOr::Item(item) => Some(methods(item)),
            ReferenceOr::Reference { .. } => None,
        })
        .flatten()
        .map(|(_, op)| op.operation_id.as_deref().map(id_words));
    let Some(Some(first)) = ids.next() else {
        return 0;
    };
    let mut shared = first.len();
    let mut count = 1;
    for words in ids {
        let Some(words) = words else { return 0 };
        shared = first
            .iter()
            .zip(&words)
            .take(shared)
            .take_while(|(a, b)| a == b)
            .count();
        count += 1;
    }
    // One shared word is usually a verb (`list-…`, `get-…`), which names keep.
    if count < 2 || shared < 2 {
        return 0;
    }
    shared
}

/// The id's words without the shared ones, keeping at least one word of its own.
fn short_id(id: &str, shared: usize) -> Vec<String> {
    let words = id_words(id);
    let keep = words.len().saturating_sub(shared).max(1);
    let start = words.len().saturating_sub(keep);
    words.get(start..).map(<[String]>::to_vec).unwrap_or(words)
}

/// Words an operation id may start with that say what it does; the method name takes their
/// place in the names of the operation's types.
const ID_VERBS: &[&str] = &[
    "add", "change", "create", "delete", "destroy", "edit", "fetch", "find", "get", "insert",
    "list", "modify", "patch", "post", "put", "read", "remove", "rename", "replace", "retrieve",
    "search", "set", "update", "upsert", "write",
];

/// The one naming rule for an operation's types (`<base>Params`, `<base>Body`, inline
/// types): the method name, then the subject of the operation id (its words after the
/// shared ones, without the method's own words when it starts with them, else without a
/// leading verb; an id that is only a verb takes the resource's name as its subject). So
/// PATCH `update-task`, whose method is `edit`, takes `EditTaskParams`, POST `search` on
/// `search` takes `CreateSearchParams`, and `bulk-get` named `bulk_get` takes `BulkGetParams`.
fn type_base(method: &str, id: &[String], resource: Option<&str>) -> String {
    let verb: Vec<&str> = naming::unraw(method)
        .split('_')
        .filter(|w| !w.is_empty())
        .collect();
    let said = id.len() >= verb.len() && id.iter().zip(&verb).all(|(a, b)| a == b);
    let skip = if said {
        verb.len()
    } else {
        usize::from(id.first().is_some_and(|w| ID_VERBS.contains(&w.as_str())))
    };
    let mut subject: Vec<&str> = id.iter().skip(skip).map(String::as_str).collect();
    if subject.is_empty() && id.len() <= 1 {
        subject.extend(resource.map(naming::unraw));
    }
    let words: Vec<&str> = verb.iter().copied().chain(subject).collect();
    naming::type_name(&words.join("_"))
}

/// `info.x-kv-crate`, when it is a Rust crate name.
pub(crate) fn doc_crate(doc: &openapiv3::OpenAPI) -> Option<String> {
    let name = doc.info.extensions.get("x-kv-crate")?.as_str()?;
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| name.to_owned())
}

/// `info.x-kv-group-features`, true only when it says `true`.
pub(crate) fn group_features(doc: &openapiv3::OpenAPI) -> bool {
    doc.info.extensions.get("x-kv-group-features") == Some(&serde_json::Value::Bool(true))
}

/// How a security scheme is sent.
fn scheme_of(scheme: &SecurityScheme) -> Scheme {
    match scheme {
        SecurityScheme::APIKey {
            location: APIKeyLocation::Header,
            name,
            ..
        } => Scheme::ApiKeyHeader(name.clone()),
        SecurityScheme::APIKey {
            location: APIKeyLocation::Query,
            name,
            ..
        } => Scheme::ApiKeyQuery(name.clone()),
        SecurityScheme::APIKey {
            location: APIKeyLocation::Cookie,
            name,
            ..
        } => Scheme::ApiKeyCookie(name.clone()),
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
            Scheme::Basic
        }
        // Bearer, OAuth 2 and OpenID Connect all send `Authorization: Bearer <token>`.
        _ => Scheme::Bearer,
    }
}

/// The `operationId`, or one made of the method and the path.
fn operation_id(op: &openapiv3::Operation, method: HttpMethod, path: &str) -> String {
    op.operation_id
        .clone()
        .unwrap_or_else(|| format!("{}-{path}", method.as_str().to_ascii_lowercase()))
}

/// The operations of a path item, in a fixed order.
fn methods(item: &PathItem) -> Vec<(HttpMethod, &openapiv3::Operation)> {
    let all = [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Delete, &item.delete),
        (HttpMethod::Options, &item.options),
        (HttpMethod::Head, &item.head),
        (HttpMethod::Patch, &item.patch),
        (HttpMethod::Trace, &item.trace),
    ];
    all.into_iter()
        .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
        .collect()
}

/// Splits `/a/{b}/c` into literals and parameters; reports unbalanced braces.
fn parse_path(path: &str, pointer: &str, lowerer: &mut Lowerer<'_>) -> Option<Vec<PathPart>> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let (literal, after) = rest.split_at(open);
        let Some(close) = after.find('}') else {
            lowerer.diags.error(
                Kind::Invalid,
                pointer.to_owned(),
                format!("path template `{path}` has an unclosed `{{`"),
            );
            return None;
        };
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal.to_owned()));
        }
        let name = after.get(1..close).unwrap_or_default();
        if name.is_empty() || name.contains('{') {
            lowerer.diags.error(
                Kind::Invalid,
                pointer.to_owned(),
                format!("path template `{path}` has an empty or nested parameter"),
            );
            return None;
        }
        parts.push(PathPart::Param(name.to_owned()));
        rest = after.get(close + 1..).unwrap_or_default();
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::type_base;

    fn base(method: &str, id: &str, resource: &str) -> String {
        let words: Vec<String> = id.split('-').map(str::to_owned).collect();
        type_base(method, &words, Some(resource))
    }

    #[test]
    fn types_are_named_after_the_method_then_the_id_s_subject() {
        assert_eq!(base("edit", "update-task", "tasks"), "EditTask");
        assert_eq!(
            base("update", "rename-namespace", "namespaces"),
            "UpdateNamespace"
        );
        assert_eq!(
            base("list", "find-pets-by-status", "pets"),
            "ListPetsByStatus"
        );
        assert_eq!(base("bulk_get", "bulk-get", "namespaces"), "BulkGet");
        assert_eq!(base("get", "get-value", "values"), "GetValue");
        // No leading verb: the whole id is the subject.
        assert_eq!(
            base("edit", "enable-validation", "schemas"),
            "EditEnableValidation"
        );
        // Only a verb: the resource stands in.
        assert_eq!(base("create", "search", "search"), "CreateSearch");
        assert_eq!(base("get", "get", "r#type"), "GetType");
    }
}
