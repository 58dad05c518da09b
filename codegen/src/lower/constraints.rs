//! Constraints: the `x-kv-*` extensions, applicability checks, and newtype creation.

use super::schema::Shape;
use super::{Ctx, Lowerer};
use crate::diagnostics::{join, Kind};
use crate::model::{Constraint, Newtype, TypeKind, TypeRef};
use openapiv3::SchemaData;

/// Extensions the generator understands on a schema.
const MAX_BYTES: &str = "x-kv-max-bytes";
const MIN_BYTES: &str = "x-kv-min-bytes";
const MAX_JSON_BYTES: &str = "x-kv-max-json-bytes";
/// Extensions understood elsewhere (operations, parameters), accepted here without a word.
const ELSEWHERE: &[&str] = &[
    "x-kv-resource",
    "x-kv-method",
    "x-kv-client-default",
    "x-kv-idempotent",
    "x-kv-unit",
    crate::guard::INVALID,
];

impl Lowerer<'_> {
    /// Reads the `x-kv-*` size extensions of a schema; unknown `x-kv-*` keys are errors (typos).
    pub(crate) fn extension_constraints(
        &mut self,
        data: &SchemaData,
        pointer: &str,
    ) -> Vec<Constraint> {
        let mut out = Vec::new();
        for (key, value) in &data.extensions {
            let at = join(pointer, key);
            let make: fn(u64) -> Constraint = match key.as_str() {
                MAX_BYTES => Constraint::MaxBytes,
                MIN_BYTES => Constraint::MinBytes,
                MAX_JSON_BYTES => Constraint::MaxJsonBytes,
                k if k.starts_with("x-kv-") && !ELSEWHERE.contains(&k) => {
                    let message = format!("unknown extension `{k}`: kv-codegen knows `{MAX_BYTES}`, `{MIN_BYTES}` and `{MAX_JSON_BYTES}` on schemas");
                    self.diags.error(Kind::Invalid, at, message);
                    continue;
                }
                _ => continue,
            };
            match value.as_u64() {
                Some(n) => out.push(make(n)),
                None => self.diags.error(
                    Kind::Invalid,
                    at,
                    format!("`{key}` must be a non-negative integer, found `{value}`"),
                ),
            }
        }
        out
    }

    /// `base` alone, or a newtype over it when constraints apply. Inapplicable ones are reported.
    pub(crate) fn constrained(
        &mut self,
        base: TypeRef,
        constraints: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let kept = self.applicable(&base, constraints, ctx);
        if kept.is_empty() {
            Shape::Ref(base)
        } else {
            Shape::Def(TypeKind::Newtype(Newtype {
                base,
                constraints: kept,
            }))
        }
    }

    /// Warns that none of `constraints` can be checked on `what`.
    pub(crate) fn ignore_constraints(
        &mut self,
        constraints: Vec<Constraint>,
        what: &str,
        ctx: &Ctx,
    ) {
        for c in constraints {
            let message = format!(
                "constraint \"{}\" does not apply to {what}; ignored",
                c.describe()
            );
            self.diags.warn(Kind::Ignored, ctx.pointer.clone(), message);
        }
    }

    /// Keeps the constraints that can be checked on `base`; warns about the rest.
    pub(crate) fn applicable(
        &mut self,
        base: &TypeRef,
        constraints: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Vec<Constraint> {
        let mut kept = Vec::new();
        let base = crate::model::resolve(&self.types, base).clone();
        for c in constraints {
            if c.applies_to(&base) {
                if !kept.contains(&c) {
                    kept.push(c);
                }
            } else {
                let message = format!(
                    "constraint \"{}\" does not apply to {}; ignored",
                    c.describe(),
                    describe(&base)
                );
                self.diags.warn(Kind::Ignored, ctx.pointer.clone(), message);
            }
        }
        kept
    }
}

fn describe(base: &TypeRef) -> &'static str {
    match base.non_null() {
        TypeRef::String => "a string",
        TypeRef::Binary => "binary data",
        TypeRef::Integer(_) => "an integer",
        TypeRef::Number => "a number",
        TypeRef::Boolean => "a boolean",
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => "a JSON value",
        TypeRef::Array(_) => "an array",
        TypeRef::Named(_) | TypeRef::Nullable(_) => "an object or union",
    }
}
