//! Combinators with keywords beside them: `type` beside `allOf` (`{type: object, allOf:
//! […]}`), object properties beside `allOf`, and object properties beside `oneOf`/`anyOf`
//! (`{type: object, properties: {…}, oneOf: […]}`).

use super::object::ObjectParts;
use super::predicates::{json_kinds, kind_bit, kind_name, refines};
use super::schema::Shape;
use super::{Ctx, Lowerer};
use crate::diagnostics::{join, join_index, Kind};
use crate::model::{Constraint, TypeRef};
use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaKind};

impl Lowerer<'_> {
    /// `allOf` with sibling keywords, or object properties beside a union.
    pub(crate) fn any_all_of(
        &mut self,
        any: &AnySchema,
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let object_keywords = !any.properties.is_empty()
            || !any.required.is_empty()
            || any.additional_properties.is_some();
        let union = !any.one_of.is_empty() || !any.any_of.is_empty();
        if !object_keywords && !union {
            return self.typed_all_of(any, extra, ctx);
        }
        // The whole schema as one object: properties, `allOf` objects, `required`-only branches.
        let whole = Schema {
            schema_data: Default::default(),
            schema_kind: SchemaKind::Any(any.clone()),
        };
        let mut parts = ObjectParts::default();
        if self.schema_object_parts(&whole, &ctx.pointer, &mut parts) {
            return self.struct_from_parts(&parts, extra, ctx);
        }
        if union {
            return self.properties_with_union(any, extra, ctx);
        }
        // Properties beside an `allOf` that holds a union: one more member of that `allOf`.
        let own = own_object(any);
        let at = join(&ctx.pointer, "allOf");
        let mut members: Vec<(&ReferenceOr<Schema>, String)> = any
            .all_of
            .iter()
            .enumerate()
            .map(|(i, m)| (m, join_index(&at, i)))
            .collect();
        // Last, as in a plain object: its own properties refine those of the members.
        members.push((&own, ctx.pointer.clone()));
        if let Some(shape) = self.objects_with_union(&members, extra, ctx) {
            return shape;
        }
        let message = "`allOf` beside object properties is supported when its members are objects, with at most one union of objects among them";
        self.diags.error(Kind::Unsupported, at, message);
        Shape::Ref(TypeRef::Json)
    }

    /// `allOf` with only a `type` beside it: the members decide, once they are known to
    /// agree with the type. A member of another type makes a schema no value satisfies.
    fn typed_all_of(&mut self, any: &AnySchema, extra: Vec<Constraint>, ctx: &Ctx) -> Shape {
        let want = any.typ.as_deref().map_or(0, kind_bit);
        let at = join(&ctx.pointer, "allOf");
        for (i, member) in any.all_of.iter().enumerate() {
            let kind = json_kinds(self.doc, member);
            if want != 0 && kind != 0 && kind != want {
                let message = format!(
                    "`type: {}` beside `allOf`, whose member {i} is {}: no value is both, so this schema describes no value",
                    any.typ.as_deref().unwrap_or_default(),
                    kind_name(kind)
                );
                self.diags.error(Kind::Invalid, join_index(&at, i), message);
                return Shape::Ref(TypeRef::Json);
            }
        }
        self.all_of_shape(&any.all_of, extra, ctx)
    }

    /// Object properties beside `oneOf`/`anyOf` (and `allOf` objects, if any):
    /// - branches that only narrow the declared properties (which are required, which
    ///   values go together) leave the object as declared; the narrowing is not enforced;
    /// - branches that are objects of their own make a union of merged structs, as
    ///   `allOf: [object, oneOf: [objects]]` does;
    /// - a branch that is not an object at all cannot be a variant of the object: the
    ///   declared properties are generated and the union is not enforced.
    fn properties_with_union(
        &mut self,
        any: &AnySchema,
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let (keyword, branches) = match any.one_of.is_empty() {
            false => ("oneOf", &any.one_of),
            true => ("anyOf", &any.any_of),
        };
        let union_at = join(&ctx.pointer, keyword);
        let own = ReferenceOr::Item(Schema {
            schema_data: Default::default(),
            schema_kind: SchemaKind::Any(AnySchema {
                one_of: Vec::new(),
                any_of: Vec::new(),
                ..any.clone()
            }),
        });
        let mut parts = ObjectParts::default();
        if !self.object_parts(&own, &ctx.pointer, &mut parts) {
            let message = format!("`{keyword}` beside object properties is supported when the rest of the schema is an object");
            self.diags.error(Kind::Unsupported, union_at, message);
            return Shape::Ref(TypeRef::Json);
        }
        let declared: Vec<String> = parts
            .props
            .iter()
            .map(|(name, _, _)| name.clone())
            .collect();
        if branches.iter().all(|b| refines(self.doc, b, &declared)) {
            let message = format!("the `{keyword}` branches only narrow the declared properties (which are required, which values go together); that rule is not enforced");
            self.diags.warn(Kind::Ignored, union_at, message);
            return self.struct_from_parts(&parts, extra, ctx);
        }
        let schema_kind = match keyword {
            "oneOf" => SchemaKind::OneOf {
                one_of: branches.clone(),
            },
            _ => SchemaKind::AnyOf {
                any_of: branches.clone(),
            },
        };
        let union = ReferenceOr::Item(Schema {
            schema_data: Default::default(),
            schema_kind,
        });
        // The union member's pointer is the schema's own: its branches sit at `…/oneOf/<i>`.
        let members = [(&own, ctx.pointer.clone()), (&union, ctx.pointer.clone())];
        let branch_kinds: Vec<u8> = branches.iter().map(|b| json_kinds(self.doc, b)).collect();
        if !branch_kinds.iter().any(|k| *k != 0 && *k != 8) {
            if let Some(shape) = self.objects_with_union(&members, extra.clone(), ctx) {
                return shape;
            }
        }
        let what = branch_kinds
            .iter()
            .enumerate()
            .find(|(_, k)| **k != 0 && **k != 8)
            .map_or_else(
                || "a branch is not an object".to_owned(),
                |(i, k)| format!("branch {i} is {}, which an object never is", kind_name(*k)),
            );
        let message = format!("`{keyword}` beside object properties: {what}; the union is not enforced, and the declared properties are generated");
        self.diags.warn(Kind::Ignored, union_at, message);
        self.struct_from_parts(&parts, extra, ctx)
    }
}

/// The object keywords of `any` alone (its properties, `required`, `additionalProperties`),
/// as a member of the `allOf` beside them.
fn own_object(any: &AnySchema) -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Any(AnySchema {
            typ: any.typ.clone(),
            properties: any.properties.clone(),
            required: any.required.clone(),
            additional_properties: any.additional_properties.clone(),
            ..Default::default()
        }),
    })
}

/// Size and bound keywords written beside a combinator (`allOf: […], minLength: 1`).
pub(crate) fn sibling_constraints(any: &AnySchema) -> Vec<Constraint> {
    if any.all_of.is_empty() && any.any_of.is_empty() && any.one_of.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.extend(any.max_length.map(|n| Constraint::MaxChars(n as u64)));
    out.extend(any.min_length.map(|n| Constraint::MinChars(n as u64)));
    out.extend(any.min_items.map(|n| Constraint::MinItems(n as u64)));
    out.extend(any.max_items.map(|n| Constraint::MaxItems(n as u64)));
    out.extend(any.pattern.clone().map(Constraint::Pattern));
    out.extend(any.minimum.map(|b| Constraint::Minimum {
        bound: b,
        exclusive: any.exclusive_minimum.unwrap_or(false),
    }));
    out.extend(any.maximum.map(|b| Constraint::Maximum {
        bound: b,
        exclusive: any.exclusive_maximum.unwrap_or(false),
    }));
    out
}
