//! Types: an arena of named definitions and references to them or to primitives.

use super::Docs;

/// Index of a [`TypeDef`] in [`super::Model::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A use of a type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    /// A named type from the arena.
    Named(TypeId),
    /// UTF-8 text.
    String,
    /// Raw bytes (`format: binary`).
    Binary,
    /// A whole number of the given width.
    Integer(IntWidth),
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary members.
    JsonObject,
    /// A list.
    Array(Box<TypeRef>),
    /// A map from string keys.
    Map(Box<TypeRef>),
    /// A value that may be `null`.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The type with any `Nullable` layer removed.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.non_null(),
            other => other,
        }
    }

    /// True when the type is `Nullable`.
    pub fn is_nullable(&self) -> bool {
        matches!(self, TypeRef::Nullable(_))
    }
}

/// Integer widths, from `format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntWidth {
    /// `format: int32`.
    I32,
    /// `format: int64` or none.
    I64,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust name, unique in the generated module.
    pub name: String,
    /// The name used in messages (the schema name, or the field it was found under).
    pub wire_name: String,
    /// Where it was defined.
    pub pointer: String,
    /// Its documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string with a closed list of values (kept open for unknown values).
    Enum(Enum),
    /// One of several types (`anyOf`/`oneOf`).
    Union(Union),
    /// A base type whose values must satisfy constraints.
    Newtype(Newtype),
    /// Another name for a type.
    Alias(TypeRef),
    /// Reserved while its schema is being lowered (recursive references); never emitted.
    Pending,
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Known properties, in document order.
    pub fields: Vec<Field>,
    /// The type of members beyond the known properties, if they are allowed and kept.
    pub additional: Option<TypeRef>,
}

/// One property of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The JSON name.
    pub wire_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// True when the property is listed in `required`.
    pub required: bool,
    /// Its documentation.
    pub docs: Docs,
}

/// A string enumeration.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// Variants, in document order.
    pub variants: Vec<EnumVariant>,
}

/// One enumeration value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// A union of types, tried in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// Variants, in document order.
    pub variants: Vec<UnionVariant>,
    /// Constraints on the union as a whole (byte limits apply to text and binary variants).
    pub constraints: Vec<Constraint>,
}

/// One alternative of a union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The variant's type.
    pub ty: TypeRef,
}

/// A constrained type.
#[derive(Clone, Debug, PartialEq)]
pub struct Newtype {
    /// The representation.
    pub base: TypeRef,
    /// Every rule a value must satisfy.
    pub constraints: Vec<Constraint>,
}

/// One validation rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// `maxLength`: at most this many characters.
    MaxChars(u64),
    /// `minLength`: at least this many characters.
    MinChars(u64),
    /// `x-kv-max-bytes`: at most this many bytes (UTF-8 text or binary).
    MaxBytes(u64),
    /// `x-kv-min-bytes`: at least this many bytes.
    MinBytes(u64),
    /// `minimum` / `exclusiveMinimum`.
    Minimum { bound: f64, exclusive: bool },
    /// `maximum` / `exclusiveMaximum`.
    Maximum { bound: f64, exclusive: bool },
    /// `pattern`: an ECMA-262 regular expression the text must match.
    Pattern(String),
    /// `not: {enum: [...]}`: values that are refused.
    Forbidden(Vec<String>),
    /// `x-kv-max-json-bytes`: at most this many bytes once serialized as JSON.
    MaxJsonBytes(u64),
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
}

impl Constraint {
    /// Whether the rule can be checked on values of `base` (aliases already resolved).
    pub fn applies_to(&self, base: &TypeRef) -> bool {
        use Constraint::*;
        match base.non_null() {
            TypeRef::String => matches!(
                self,
                MaxChars(_) | MinChars(_) | MaxBytes(_) | MinBytes(_) | Pattern(_) | Forbidden(_)
            ),
            TypeRef::Binary => matches!(self, MaxBytes(_) | MinBytes(_)),
            TypeRef::Integer(_) | TypeRef::Number => {
                matches!(self, Minimum { .. } | Maximum { .. })
            }
            TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => {
                matches!(self, MaxJsonBytes(_))
            }
            TypeRef::Array(_) => matches!(self, MinItems(_) | MaxItems(_) | MaxJsonBytes(_)),
            TypeRef::Boolean | TypeRef::Named(_) | TypeRef::Nullable(_) => false,
        }
    }

    /// A human description for docs, e.g. `at most 512 bytes`.
    pub fn describe(&self) -> String {
        match self {
            Constraint::MaxChars(n) => format!("at most {n} {}", plural(*n, "character")),
            Constraint::MinChars(n) => format!("at least {n} {}", plural(*n, "character")),
            Constraint::MaxBytes(n) => format!("at most {n} {}", plural(*n, "byte")),
            Constraint::MinBytes(n) => format!("at least {n} {}", plural(*n, "byte")),
            Constraint::Minimum {
                bound,
                exclusive: false,
            } => format!("at least {bound}"),
            Constraint::Minimum {
                bound,
                exclusive: true,
            } => format!("greater than {bound}"),
            Constraint::Maximum {
                bound,
                exclusive: false,
            } => format!("at most {bound}"),
            Constraint::Maximum {
                bound,
                exclusive: true,
            } => format!("less than {bound}"),
            Constraint::Pattern(p) => format!("matches `{p}`"),
            Constraint::Forbidden(values) => {
                let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                format!("not {}", list.join(" or "))
            }
            Constraint::MaxJsonBytes(n) => format!("at most {n} {} as JSON", plural(*n, "byte")),
            Constraint::MinItems(n) => format!("at least {n} {}", plural(*n, "item")),
            Constraint::MaxItems(n) => format!("at most {n} {}", plural(*n, "item")),
        }
    }
}

/// `word` or `words`, to agree with `n`.
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// How deep the type questions follow names before they give up (cyclic aliases, unions
/// that contain themselves).
const MAX_DEPTH: u8 = 32;

/// True when values of `ty` are text, binary, or a union of them: sent as raw bytes.
pub fn is_bytes_like(types: &[TypeDef], ty: &TypeRef) -> bool {
    bytes_like_within(types, ty, MAX_DEPTH)
}

fn bytes_like_within(types: &[TypeDef], ty: &TypeRef, depth: u8) -> bool {
    let Some(depth) = depth.checked_sub(1) else {
        return false;
    };
    match ty {
        TypeRef::String | TypeRef::Binary => true,
        TypeRef::Named(id) => match types.get(id.0).map(|d| &d.kind) {
            Some(TypeKind::Newtype(n)) => bytes_like_within(types, &n.base, depth),
            Some(TypeKind::Alias(t)) => bytes_like_within(types, t, depth),
            Some(TypeKind::Union(u)) => u
                .variants
                .iter()
                .all(|v| bytes_like_within(types, &v.ty, depth)),
            _ => false,
        },
        _ => false,
    }
}

/// True when values of `ty` are written as one piece of text (path, query, header, form field).
pub fn is_scalar(types: &[TypeDef], ty: &TypeRef) -> bool {
    scalar_within(types, ty, MAX_DEPTH)
}

fn scalar_within(types: &[TypeDef], ty: &TypeRef, depth: u8) -> bool {
    let Some(depth) = depth.checked_sub(1) else {
        return false;
    };
    match ty.non_null() {
        TypeRef::String | TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean => true,
        TypeRef::Named(id) => match types.get(id.0).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Newtype(n)) => scalar_within(types, &n.base, depth),
            Some(TypeKind::Alias(t)) => scalar_within(types, t, depth),
            _ => false,
        },
        _ => false,
    }
}

/// What values of `ty` are made of: `ty` with `null`, aliases and newtypes taken away.
pub fn resolve<'t>(types: &'t [TypeDef], ty: &'t TypeRef) -> &'t TypeRef {
    let mut current = ty.non_null();
    for _ in 0..MAX_DEPTH {
        let TypeRef::Named(id) = current else {
            return current;
        };
        match types.get(id.0).map(|d| &d.kind) {
            Some(TypeKind::Alias(next)) => current = next.non_null(),
            Some(TypeKind::Newtype(n)) => current = n.base.non_null(),
            _ => return current,
        }
    }
    current
}

/// True when values of `ty` are text: a string, possibly behind aliases, newtypes and `null`.
pub fn is_text(types: &[TypeDef], ty: &TypeRef) -> bool {
    matches!(resolve(types, ty), TypeRef::String)
}
