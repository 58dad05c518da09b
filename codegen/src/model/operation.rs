//! Operations: one per path and method, with parameters, bodies, responses and security.

use super::{Docs, TypeRef};

/// One HTTP operation, emitted as one method.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub id: String,
    /// The method's Rust name.
    pub method_name: String,
    /// The resource chain the method hangs from (`["kv", "namespaces", "values"]`).
    pub resource: Vec<String>,
    /// True when no extension named the resource, so it comes from the path's literals.
    pub resource_from_path: bool,
    /// The Rust name of the parameters struct, unique in its group's module.
    pub params_name: String,
    /// The HTTP method, upper case.
    pub http_method: HttpMethod,
    /// The path template as written.
    pub path: String,
    /// The path split into literal text and parameters.
    pub segments: Vec<PathPart>,
    /// Every parameter, path ones first in path order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// What a success looks like.
    pub success: ResponseBody,
    /// Every documented response.
    pub responses: Vec<ResponseDef>,
    /// Security alternatives: any one inner list, all of its schemes together.
    pub security: Vec<Vec<Scheme>>,
    /// How the answer pages, when it does: the method then has a pager sibling.
    pub pagination: Option<Pagination>,
    /// Parameters whose schema carries a unit (`x-kv-unit`), by Rust name: their setters
    /// take the unit's Rust types (`Duration`, `SystemTime`).
    pub units: Vec<(String, Unit)>,
    /// The names of the methods generated beside the main one, if any.
    pub siblings: Siblings,
    /// True when sending the request twice has the effect of sending it once, so the
    /// runtime may retry it after it reached the server: GET, HEAD, OPTIONS, PUT, DELETE
    /// and TRACE by their definition, anything else when marked `x-kv-idempotent: true`.
    pub idempotent: bool,
    /// Summary and description.
    pub docs: Docs,
    /// Where it was defined.
    pub pointer: String,
}

/// HTTP methods OpenAPI names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    /// True for the methods HTTP defines as idempotent (RFC 9110, 9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }

    /// The upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// The parameter with this wire name, percent-encoded as one segment.
    Param(String),
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// A query pair.
    Query,
    /// A request header.
    Header,
}

/// How a parameter is passed by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamRole {
    /// A method argument (required path parameters).
    Argument,
    /// A field of the parameters struct.
    Field,
    /// A field that falls back to a default set on the client (`x-kv-client-default`).
    ClientDefault,
}

/// One parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// How the caller passes it.
    pub role: ParamRole,
    /// Its type (constraints live in a named newtype it refers to, if any).
    pub ty: TypeRef,
    /// True when the spec requires it.
    pub required: bool,
    /// `explode` for array query parameters (repeat the key) — the OpenAPI default is true.
    pub explode: bool,
    /// Its documentation.
    pub docs: Docs,
}

/// A request body in one or more media types.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// True when the spec requires a body.
    pub required: bool,
    /// One entry per media type, in document order.
    pub variants: Vec<BodyVariant>,
    /// The parameters-struct field that holds a JSON or raw body.
    pub field_name: String,
    /// Its documentation.
    pub docs: Docs,
}

/// A body in one media type.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyVariant {
    /// The media type, e.g. `multipart/form-data`.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
}

/// Encodings of a request body.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyKind {
    /// A JSON document of this type.
    Json(TypeRef),
    /// The bytes of a text or binary value, sent as they are.
    Raw(TypeRef),
    /// Form parts, one per property.
    Multipart(Vec<FormField>),
    /// `name=value` pairs, percent-encoded (`application/x-www-form-urlencoded`).
    Form(Vec<FormField>),
}

/// One part of a multipart body.
#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    /// The Rust name.
    pub name: String,
    /// The part's name.
    pub wire_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// True when the part must be sent.
    pub required: bool,
    /// The part's `Content-Type` (from `encoding`, else the OpenAPI default for its type).
    pub content_type: String,
    /// Its documentation.
    pub docs: Docs,
}

/// The body of a response.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    /// No content.
    Empty,
    /// A JSON document of this type.
    Json(TypeRef),
    /// A JSON envelope (an object with `success` and `result`): the method returns its
    /// `result`, and the runtime keeps `messages` and `result_info` beside it.
    Envelope(Envelope),
    /// Raw bytes (`application/octet-stream` and other non-JSON media types).
    Bytes,
}

/// What an envelope holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// The whole envelope's type.
    pub whole: TypeRef,
    /// The type of its `result` member (`Option` when the member may be absent or `null`);
    /// `None` when the envelope carries nothing (no `result`, or an empty object or `null`):
    /// the method returns `()` once the answer proved to be a successful envelope.
    pub result: Option<TypeRef>,
    /// The type of its `result_info` member, if it declares one.
    pub result_info: Option<TypeRef>,
}

/// How the pages of a listing are followed.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// Which parameter moves to the next page.
    pub style: PageStyle,
    /// The type of one item (the envelope's `result` is a list of them).
    pub item: TypeRef,
}

/// The two ways Cloudflare-style listings page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// The query parameter (Rust name) that takes `result_info.cursor`; an empty or
    /// absent cursor ends the listing.
    Cursor {
        /// The parameters-struct field.
        param: String,
    },
    /// The query parameter (Rust name) holding the page number, counted from 1; the listing
    /// ends at `result_info.total_pages`, at `total_count` items, or at a short page.
    Page {
        /// The parameters-struct field with the page number.
        param: String,
    },
}

/// Units a numeric parameter can be in (`x-kv-unit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// `seconds`: a duration in whole seconds (setters take integers or `Duration`).
    Seconds,
    /// `unix-seconds`: a point in time in whole seconds since the UNIX epoch (setters take
    /// integers or `SystemTime`).
    UnixSeconds,
}

impl Unit {
    /// The unit named by an `x-kv-unit` value.
    pub fn from_name(name: &str) -> Option<Unit> {
        match name {
            "seconds" => Some(Unit::Seconds),
            "unix-seconds" => Some(Unit::UnixSeconds),
            _ => None,
        }
    }
}

/// Methods generated beside an operation's main one (names unique in the resource).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Siblings {
    /// A pager over every page (`list_all`), for operations with [`Pagination`].
    pub pages: Option<String>,
    /// The answer as a stream of chunks (`get_stream`), for raw answers.
    pub stream: Option<String>,
}

/// Which statuses a response describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class: `4XX` is `Range(4)`.
    Range(u16),
    /// Every status not listed otherwise.
    Default,
}

impl StatusMatch {
    /// True for 2xx codes and the `2XX` range.
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Range(class) => class == 2,
            StatusMatch::Default => false,
        }
    }

    /// The status as written in the spec.
    pub fn label(self) -> String {
        match self {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(class) => format!("{class}XX"),
            StatusMatch::Default => "default".to_owned(),
        }
    }
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseDef {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// Its body.
    pub body: ResponseBody,
    /// Its description.
    pub description: String,
}

/// One security scheme inside a requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Bearer …` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic …`.
    Basic,
    /// An API key in this header.
    ApiKeyHeader(String),
    /// An API key in this query parameter.
    ApiKeyQuery(String),
    /// An API key in this cookie.
    ApiKeyCookie(String),
}

/// A group of methods: `client.kv().namespaces()` is the resource `["kv", "namespaces"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// Accessor names from the client down to this resource.
    pub path: Vec<String>,
    /// The Rust name of its handle struct, unique in its group's module.
    pub type_name: String,
    /// For a top-level resource (a group): the name of the module that holds its handles,
    /// parameters structs and pagers.
    pub module: Option<String>,
}

/// How the method builds its request body from the parameters the caller set.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyPlan<'b> {
    /// No body.
    None,
    /// One media type.
    Single(&'b BodyVariant),
    /// Raw bytes when only the primary form field is set, else multipart: the field at
    /// `primary` has the raw body's type and every other field is optional.
    RawOrMultipart {
        raw: &'b BodyVariant,
        multipart: &'b BodyVariant,
        primary: usize,
    },
    /// Several media types the generator cannot choose between: the first is used.
    FirstOnly(&'b BodyVariant),
}

impl RequestBody {
    /// The plan for this body's media types.
    pub fn plan(&self) -> BodyPlan<'_> {
        match self.variants.as_slice() {
            [] => BodyPlan::None,
            [only] => BodyPlan::Single(only),
            [a, b] => raw_or_multipart(a, b)
                .or_else(|| raw_or_multipart(b, a))
                .unwrap_or(BodyPlan::FirstOnly(a)),
            [first, ..] => BodyPlan::FirstOnly(first),
        }
    }
}

fn raw_or_multipart<'b>(raw: &'b BodyVariant, multipart: &'b BodyVariant) -> Option<BodyPlan<'b>> {
    let (BodyKind::Raw(raw_ty), BodyKind::Multipart(fields)) = (&raw.kind, &multipart.kind) else {
        return None;
    };
    let primary = fields.iter().position(|f| f.required && &f.ty == raw_ty)?;
    let others_optional = fields
        .iter()
        .enumerate()
        .all(|(i, f)| i == primary || !f.required);
    others_optional.then_some(BodyPlan::RawOrMultipart {
        raw,
        multipart,
        primary,
    })
}
