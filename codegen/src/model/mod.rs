//! The model: plain data between the OpenAPI document and Rust tokens.
//!
//! No `openapiv3` type and no `TokenStream` lives here, so several backends can read it
//! (the client emitter today). Everything is ordered (`Vec`, `BTreeMap`): same spec, same model.

mod holding;
mod operation;
mod types;

pub use holding::Holding;
pub use operation::*;
pub use types::*;

/// Everything generated from one specification.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Title, version, description and server of the API.
    pub api: ApiInfo,
    /// Every named type, indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Every resource that holds methods or other resources, parents first.
    pub resources: Vec<Resource>,
}

impl Model {
    /// The type behind `id`, if it exists.
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id.0)
    }

    /// Every type reference a named type's definition holds directly (fields, extra
    /// members, variants, a newtype's base, an alias's target).
    pub fn refs_of(&self, id: TypeId) -> Vec<&TypeRef> {
        match self.get(id).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.iter())
                .collect(),
            Some(TypeKind::Union(u)) => u.variants.iter().map(|v| &v.ty).collect(),
            Some(TypeKind::Newtype(n)) => vec![&n.base],
            Some(TypeKind::Alias(t)) => vec![t],
            _ => Vec::new(),
        }
    }
}

/// Facts about the API as a whole.
#[derive(Clone, Debug, Default)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The first server's URL, if any.
    pub base_url: Option<String>,
    /// The crate that mounts the generated module at its root (`info.x-kv-crate`): doc
    /// examples on methods name it; without it methods get no example.
    pub doc_crate: Option<String>,
    /// `info.x-kv-group-features: true`: gate each group behind a feature, as
    /// `Config::group_features` does.
    pub group_features: bool,
    /// The prefix of the client's environment variables (`CLOUDFLARE` →
    /// `CLOUDFLARE_API_TOKEN`): `x-kv-env-prefix` on `info`, else the title's first word.
    pub env_prefix: String,
}

/// Documentation taken from `summary`, `title` and `description`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Docs {
    /// A one-line summary.
    pub summary: Option<String>,
    /// Longer text (Markdown).
    pub description: Option<String>,
    /// Extra lines the generator adds (constraints, defaults, deprecation).
    pub notes: Vec<String>,
}

impl Docs {
    /// Docs with only a description.
    pub fn described(description: Option<&str>) -> Self {
        Docs {
            summary: None,
            description: description.map(str::to_owned),
            notes: Vec::new(),
        }
    }

    /// True when there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.summary.is_none() && self.description.is_none() && self.notes.is_empty()
    }
}
