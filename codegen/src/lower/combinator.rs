//! `allOf`, `anyOf`, `oneOf`, and schemas that mix keywords of several types.

use super::object::ObjectParts;
use super::predicates::{
    forbidden_values, invalid_reason, is_annotation, json_kinds, kind_name, string_values,
};
use super::schema::Shape;
use super::{Ctx, Lowerer};
use crate::diagnostics::{join, join_index, Kind};
use crate::model::{Constraint, Newtype, TypeKind, TypeRef, Union, UnionVariant};
use crate::naming::Scope;

use openapiv3::{AnySchema, ReferenceOr, Schema, Type};

impl Lowerer<'_> {
    /// `allOf`: one real member plus annotations and forbidden values, or objects to merge.
    pub(crate) fn all_of_shape(
        &mut self,
        members: &[ReferenceOr<Schema>],
        mut extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let at = join(&ctx.pointer, "allOf");
        let mut real = Vec::new();
        for (i, member) in members.iter().enumerate() {
            if is_annotation(member) {
                continue;
            }
            match forbidden_values(self.doc, member) {
                Some(values) => extra.push(Constraint::Forbidden(values)),
                None => real.push((i, member)),
            }
        }
        match real.as_slice() {
            [] => self.constrained(TypeRef::Json, extra, ctx),
            [(i, member)] => self.single_member(member, extra, &ctx.at(join_index(&at, *i))),
            _ => self.merged_objects(members, &real, extra, ctx),
        }
    }

    /// Several members that must all hold: objects merge into one struct, members of one
    /// primitive type into that type, objects and a union into a union of merged structs.
    fn merged_objects(
        &mut self,
        members: &[ReferenceOr<Schema>],
        real: &[(usize, &ReferenceOr<Schema>)],
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let at = join(&ctx.pointer, "allOf");
        let mut parts = ObjectParts::default();
        let doc = self.doc;
        let all_objects = members.iter().enumerate().all(|(i, m)| {
            is_annotation(m) || self.object_parts(m, &join_index(&at, i), &mut parts)
        });
        if all_objects {
            return self.struct_from_parts(&parts, extra, ctx);
        }
        let kinds: Vec<u8> = real.iter().map(|(_, m)| json_kinds(doc, m)).collect();
        let one_primitive = kinds.iter().all(|k| *k == 1 || *k == 2 || *k == 4)
            && kinds.windows(2).all(|w| w.first() == w.last());
        if one_primitive {
            if let Some(shape) = self.merged_primitives(real, extra.clone(), ctx) {
                return shape;
            }
        }
        let pointed: Vec<(&ReferenceOr<Schema>, String)> = members
            .iter()
            .enumerate()
            .map(|(i, m)| (m, join_index(&at, i)))
            .collect();
        if let Some(shape) = self.objects_with_union(&pointed, extra, ctx) {
            return shape;
        }
        for (i, member) in real {
            if let ReferenceOr::Item(schema) = member {
                if let Some(reason) = invalid_reason(schema) {
                    self.diags
                        .error(Kind::Invalid, join_index(&at, *i), reason.to_owned());
                }
            }
        }
        if let Some(message) = contradiction(real, &kinds) {
            self.diags.error(Kind::Invalid, at, message);
            return Shape::Ref(TypeRef::Json);
        }
        let message = "`allOf` is supported for one type plus annotations or forbidden values, for members of one primitive type, or for objects (with at most one union of objects); this one mixes other types";
        self.diags.error(Kind::Unsupported, at, message);
        Shape::Ref(TypeRef::Json)
    }

    /// One member that carries the type; `extra` constraints are merged into it.
    fn single_member(
        &mut self,
        member: &ReferenceOr<Schema>,
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let shape = match member {
            ReferenceOr::Item(schema) => self.shape(schema, ctx),
            ReferenceOr::Reference { reference } => {
                Shape::Ref(self.lower_reference(reference, &ctx.pointer))
            }
        };
        if extra.is_empty() {
            return shape;
        }
        match shape {
            Shape::Def(TypeKind::Newtype(Newtype {
                base,
                mut constraints,
            })) => {
                constraints.extend(extra);
                self.constrained(base, constraints, ctx)
            }
            Shape::Ref(TypeRef::Named(id)) => match self.types.get(id.0).map(|d| d.kind.clone()) {
                Some(TypeKind::Newtype(Newtype {
                    base,
                    mut constraints,
                })) => {
                    constraints.extend(extra);
                    self.constrained(base, constraints, ctx)
                }
                _ => self.constrained(TypeRef::Named(id), extra, ctx),
            },
            Shape::Ref(ty) => self.constrained(ty, extra, ctx),
            Shape::Def(kind) => {
                self.ignore_constraints(extra, "an object, enum or union", ctx);
                Shape::Def(kind)
            }
        }
    }

    /// `anyOf` / `oneOf`: any JSON value when every JSON type is admitted, else a union enum.
    pub(crate) fn union_shape(
        &mut self,
        members: &[ReferenceOr<Schema>],
        extra: Vec<Constraint>,
        ctx: &Ctx,
        keyword: &str,
    ) -> Shape {
        let at = join(&ctx.pointer, keyword);
        let kinds = members
            .iter()
            .fold(0u8, |acc, m| acc | json_kinds(self.doc, m));
        if kinds == 0b1_1111 {
            return self.constrained(TypeRef::Json, extra, ctx);
        }
        let real: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_annotation(m))
            .collect();
        match real.as_slice() {
            [] => self.constrained(TypeRef::Json, extra, ctx),
            [(i, member)] => self.single_member(member, extra, &ctx.at(join_index(&at, *i))),
            _ => match string_values(self.doc, &real) {
                Some(values) if values.is_empty() => self.constrained(TypeRef::String, extra, ctx),
                Some(values) => {
                    self.ignore_constraints(extra, "an enum", ctx);
                    self.enum_shape(&values, ctx)
                }
                None => self.union_of(&real, extra, ctx, &at),
            },
        }
    }

    fn union_of(
        &mut self,
        members: &[(usize, &ReferenceOr<Schema>)],
        extra: Vec<Constraint>,
        ctx: &Ctx,
        at: &str,
    ) -> Shape {
        let mut scope = Scope::default();
        let mut variants = Vec::with_capacity(members.len());
        for (i, member) in members {
            let member_ctx = Ctx {
                pointer: join_index(at, *i),
                name: format!("{}Variant{i}", ctx.name),
                wire: ctx.wire.clone(),
            };
            let ty = self.lower(member, &member_ctx);
            let name = scope.claim(&self.variant_label(&ty));
            variants.push(UnionVariant { name, ty });
        }
        let constraints = self.union_constraints(&variants, extra, ctx);
        Shape::Def(TypeKind::Union(Union {
            variants,
            constraints,
        }))
    }

    /// Keeps the constraints that apply to every variant they can be checked on.
    fn union_constraints(
        &mut self,
        variants: &[UnionVariant],
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Vec<Constraint> {
        let mut kept = Vec::new();
        for c in extra {
            let fits = variants
                .iter()
                .any(|v| c.applies_to(crate::model::resolve(&self.types, &v.ty)));
            if fits {
                kept.push(c);
            } else {
                let message = format!(
                    "constraint \"{}\" applies to no member of this union; ignored",
                    c.describe()
                );
                self.diags.warn(Kind::Ignored, ctx.pointer.clone(), message);
            }
        }
        kept
    }

    /// A variant name that says what the variant holds.
    fn variant_label(&self, ty: &TypeRef) -> String {
        match ty.non_null() {
            TypeRef::String => "Text".to_owned(),
            TypeRef::Binary => "Binary".to_owned(),
            TypeRef::Integer(_) => "Integer".to_owned(),
            TypeRef::Number => "Number".to_owned(),
            TypeRef::Boolean => "Boolean".to_owned(),
            TypeRef::Json => "Json".to_owned(),
            TypeRef::JsonObject | TypeRef::Map(_) => "Object".to_owned(),
            TypeRef::Array(_) => "Array".to_owned(),
            TypeRef::Named(id) => self
                .types
                .get(id.0)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| "Variant".to_owned()),
            TypeRef::Nullable(_) => "Variant".to_owned(),
        }
    }

    /// A schema openapiv3 could not classify: keywords of several types, or combinators with siblings.
    pub(crate) fn any_shape(
        &mut self,
        any: &AnySchema,
        default: Option<&serde_json::Value>,
        mut extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        for c in super::siblings::sibling_constraints(any) {
            let checked = match &c {
                Constraint::Pattern(p) => self.pattern_ok(p, ctx),
                _ => true,
            };
            if checked {
                extra.push(c);
            }
        }
        if !any.all_of.is_empty()
            || (!any.properties.is_empty() && (!any.any_of.is_empty() || !any.one_of.is_empty()))
        {
            return self.any_all_of(any, extra, ctx);
        }
        if !any.any_of.is_empty() {
            return self.union_shape(&any.any_of, extra, ctx, "anyOf");
        }
        if !any.one_of.is_empty() {
            return self.union_shape(&any.one_of, extra, ctx, "oneOf");
        }
        if let Some((typ, bounds)) = self.typed(any, default, ctx) {
            return match typ {
                Type::String(s) => self.string_shape(&s, Vec::new(), ctx),
                Type::Integer(i) => self.integer_shape(&i, bounds, ctx),
                Type::Number(n) => self.number_shape(&n, Vec::new(), ctx),
                Type::Boolean(b) => self.boolean_shape(&b, Vec::new(), ctx),
                Type::Object(o) => self.object_shape(&o, Vec::new(), ctx),
                Type::Array(a) => self.array_shape(&a, Vec::new(), ctx),
            };
        }
        if any.not.is_some() {
            let message = "`not` is supported only as `allOf: [<type>, {not: {enum: [...]}}]` (forbidden values)";
            self.diags
                .error(Kind::Unsupported, join(&ctx.pointer, "not"), message);
            return Shape::Ref(TypeRef::Json);
        }
        self.constrained(TypeRef::Json, extra, ctx)
    }
}

/// Why members of `real` (with their [`json_kinds`]) admit no common value, when two of
/// them name different JSON types (an object envelope and a string): such an `allOf`
/// describes nothing.
fn contradiction(real: &[(usize, &ReferenceOr<Schema>)], kinds: &[u8]) -> Option<String> {
    let mut typed = real.iter().zip(kinds).filter(|(_, k)| **k != 0);
    let ((first, _), first_kind) = typed.next()?;
    let ((other, _), other_kind) = typed.find(|(_, k)| *k != first_kind)?;
    Some(format!(
        "`allOf` member {first} is {} and member {other} is {}: no value is both, so this schema describes no value",
        kind_name(*first_kind),
        kind_name(*other_kind)
    ))
}
