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
    /// The Rust name of the parameters struct.
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
    /// Raw bytes.
    Bytes,
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
    /// The Rust name of its handle struct.
    pub type_name: String,
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
