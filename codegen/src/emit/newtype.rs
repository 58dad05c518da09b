//! Constrained newtypes: the only constructors validate (`TryFrom`, `FromStr`, `Deserialize`).

use super::{docs, ident, Emitter};
use crate::model::{IntWidth, Newtype, TypeDef, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// How a newtype's base is handled: its Rust type, the type `check` borrows, and its traits.
struct Base {
    /// The wrapped type.
    inner: TokenStream,
    /// The parameter type of `check`.
    borrowed: TokenStream,
    /// Derives beyond `Clone, Debug, Serialize`.
    derives: TokenStream,
    kind: BaseKind,
}

enum BaseKind {
    Text,
    Integer,
    Number,
    Binary,
    Json,
}

/// Emits the newtype, its `check`, accessors and validating conversions.
pub(super) fn emit(e: &Emitter<'_>, id: TypeId, def: &TypeDef, n: &Newtype) -> TokenStream {
    let name = ident(&def.name);
    let base = base_of(e, &n.base, id);
    let rt = &e.rt;
    let field = def.wire_name.as_str();
    let value = quote!(value);
    let stmts = n
        .constraints
        .iter()
        .map(|c| e.constraint_stmt(c, &n.base, field, &value));
    // The members' own rules (a list of structs with constraints), named by the members.
    let members = inner_checks(e, id, n);
    let rules: Vec<String> = n.constraints.iter().map(|c| c.describe()).collect();
    let rules_line = if rules.is_empty() {
        "A named type rather than an alias because it contains itself.".to_owned()
    } else {
        format!("Constraints: {}.", rules.join("; "))
    };
    let rules_doc = docs::lines_to_attrs(&[String::new(), rules_line]);
    // With no rule to apply, `check` has nothing to look at.
    let param = if n.constraints.is_empty() && members.is_empty() {
        quote!(_value)
    } else {
        quote!(value)
    };
    let Base {
        inner,
        borrowed,
        derives,
        kind,
    } = &base;
    let conversions = match kind {
        BaseKind::Text => quote!(text),
        BaseKind::Integer => quote!(integer #inner),
        BaseKind::Number => quote!(number),
        BaseKind::Binary => quote!(binary),
        BaseKind::Json => quote!(json #inner),
    };
    quote! {
        #rules_doc
        #[derive(Clone, Debug, #derives serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(#inner);
        impl #name {
            /// Checks `value` against every constraint of this type.
            pub fn check(#param: &#borrowed) -> Result<(), #rt::ConstraintError> {
                #(#stmts)*
                #members
                Ok(())
            }
        }
        #rt::newtype!(#name, #conversions, #field);
    }
}

/// True when newtype `id` is emitted as a type of its own: a component schema, which users may
/// name, or one that contains itself. A constrained schema written inline (a member's, an item's,
/// a parameter's) has no name worth keeping: its owner checks it in place and its rules go into
/// the owner's docs, which saves a dozen impls per member.
pub(super) fn is_named(e: &Emitter<'_>, id: TypeId) -> bool {
    let Some(def) = e.def(id) else {
        return false;
    };
    let component = def
        .pointer
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| !name.contains('/'));
    let contains_itself = matches!(&def.kind, TypeKind::Newtype(n) if names(&n.base, id));
    component || contains_itself
}

/// The checks of an inline newtype, in place: its rules on `value` (a reference), reported as
/// `rename` or as the newtype's own name, then its members' rules under their own names.
pub(super) fn inline_checks(
    e: &Emitter<'_>,
    id: TypeId,
    n: &Newtype,
    value: TokenStream,
    rename: Option<&str>,
) -> TokenStream {
    let field = match (rename, e.def(id)) {
        (Some(wire), _) => wire,
        (None, Some(def)) => def.wire_name.as_str(),
        (None, None) => "value",
    };
    let local = quote!(value);
    let own = n
        .constraints
        .iter()
        .map(|c| e.constraint_stmt(c, &n.base, field, &local));
    let members = inner_checks(e, id, n);
    // `let value = value;` would be a redundant local, and without a local no block is needed.
    if value.to_string() == "value" {
        return quote! { #(#own)* #members };
    }
    quote! { { let value = #value; #(#own)* #members } }
}

/// Checks of what the value holds, unless it holds the newtype itself (its own name is kept
/// inside it, so the members are not of the type the check takes).
pub(super) fn inner_checks(e: &Emitter<'_>, id: TypeId, n: &Newtype) -> TokenStream {
    if names(&n.base, id) || !e.has_checks(&n.base) {
        return TokenStream::new();
    }
    e.check_stmts(&n.base, quote!(value), None)
}

/// True when `ty` names `id` itself (through containers, not through other types).
fn names(ty: &TypeRef, id: TypeId) -> bool {
    match ty {
        TypeRef::Named(other) => *other == id,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => names(inner, id),
        _ => false,
    }
}

fn base_of(e: &Emitter<'_>, base: &TypeRef, owner: TypeId) -> Base {
    let rt = &e.rt;
    let inner = e.lenient_within(base, owner);
    match e.resolved(base) {
        TypeRef::String => Base {
            inner,
            borrowed: quote!(str),
            derives: quote!(PartialEq, Eq, PartialOrd, Ord, Hash,),
            kind: BaseKind::Text,
        },
        TypeRef::Integer(w) => {
            let t = if *w == IntWidth::I32 {
                quote!(i32)
            } else {
                quote!(i64)
            };
            Base {
                inner: t.clone(),
                borrowed: t,
                derives: quote!(Copy, PartialEq, Eq, PartialOrd, Ord, Hash,),
                kind: BaseKind::Integer,
            }
        }
        TypeRef::Number => Base {
            inner: quote!(f64),
            borrowed: quote!(f64),
            derives: quote!(Copy, PartialEq, PartialOrd,),
            kind: BaseKind::Number,
        },
        TypeRef::Binary => Base {
            inner: quote!(#rt::Binary),
            borrowed: quote!(#rt::Binary),
            derives: TokenStream::new(),
            kind: BaseKind::Binary,
        },
        TypeRef::Array(item) => {
            let item = e.lenient_within(item, owner);
            Base {
                inner,
                borrowed: quote!([#item]),
                derives: derives_json(e, base),
                kind: BaseKind::Json,
            }
        }
        _ => Base {
            borrowed: inner.clone(),
            inner,
            derives: derives_json(e, base),
            kind: BaseKind::Json,
        },
    }
}

fn derives_json(e: &Emitter<'_>, base: &TypeRef) -> TokenStream {
    if e.holds_binary(base) {
        TokenStream::new()
    } else {
        quote!(PartialEq,)
    }
}

impl Emitter<'_> {
    /// `docs` plus a line for the rules of the inline newtype that `ty` is, or that its items
    /// are: that newtype has no type of its own where they could be read.
    pub(super) fn docs_with_rules<'d>(
        &self,
        docs: &'d crate::model::Docs,
        ty: &TypeRef,
    ) -> std::borrow::Cow<'d, crate::model::Docs> {
        let (target, prefix) = match self.resolved(ty) {
            TypeRef::Array(item) => (item.as_ref(), "Each item: "),
            _ => (ty.non_null(), "Constraints: "),
        };
        let rules = self
            .newtype_of(target)
            .filter(|id| !is_named(self, *id))
            .and_then(|id| match self.def(id).map(|d| &d.kind) {
                Some(TypeKind::Newtype(n)) if !n.constraints.is_empty() => Some(n),
                _ => None,
            })
            .map(|n| {
                let rules: Vec<String> = n.constraints.iter().map(|c| c.describe()).collect();
                format!("{prefix}{}.", rules.join("; "))
            });
        match rules {
            Some(line) => {
                let mut owned = docs.clone();
                owned.notes.push(line);
                std::borrow::Cow::Owned(owned)
            }
            None => std::borrow::Cow::Borrowed(docs),
        }
    }
}
