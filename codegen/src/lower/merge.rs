//! `allOf` merges beyond objects: members of one primitive type (`allOf: [string{maxLength},
//! string{readOnly}]`), and objects with a union (envelopes), whose variants are each merged
//! with the objects into a struct of their own.

use super::object::ObjectParts;
use super::predicates::{is_annotation, union_branches};
use super::schema::Shape;
use super::{Ctx, Lowerer};
use crate::diagnostics::{join, join_index};
use crate::model::{Constraint, IntWidth, Newtype, TypeKind, TypeRef, Union, UnionVariant};
use crate::naming::{self, Scope};
use crate::refs;
use openapiv3::{ReferenceOr, Schema};

impl<'a> Lowerer<'a> {
    /// Members that all hold one primitive type: that type with every member's constraints;
    /// an enum among strings wins (its values are the closer rule). `None` when they differ.
    pub(crate) fn merged_primitives(
        &mut self,
        members: &[(usize, &ReferenceOr<Schema>)],
        mut extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Option<Shape> {
        let at = join(&ctx.pointer, "allOf");
        let mut base: Option<TypeRef> = None;
        let mut enum_type = None;
        for (i, member) in members {
            let (ty, constraints) = self.primitive_member(member, &ctx.at(join_index(&at, *i)))?;
            if let TypeRef::Named(id) = ty {
                enum_type = enum_type.or(Some(id));
                continue;
            }
            base = Some(match base {
                None => ty,
                Some(known) => narrower(&known, &ty)?,
            });
            extra.extend(constraints);
        }
        if let Some(id) = enum_type {
            return match base {
                None | Some(TypeRef::String) => Some(Shape::Ref(TypeRef::Named(id))),
                Some(_) => None,
            };
        }
        Some(self.constrained(base?, extra, ctx))
    }

    /// A member's primitive type and constraints (a string enum as its named type), lowered
    /// without defining anything, or `None` when it is not a primitive.
    fn primitive_member(
        &mut self,
        member: &ReferenceOr<Schema>,
        ctx: &Ctx,
    ) -> Option<(TypeRef, Vec<Constraint>)> {
        let shape = match member {
            ReferenceOr::Reference { reference } => {
                Shape::Ref(self.lower_reference(reference, &ctx.pointer))
            }
            ReferenceOr::Item(schema) => self.shape(schema, ctx),
        };
        let (ty, constraints) = match shape {
            Shape::Def(TypeKind::Newtype(Newtype { base, constraints })) => (base, constraints),
            Shape::Ref(ty) => (ty, Vec::new()),
            Shape::Def(_) => return None,
        };
        let mut constraints = constraints;
        let mut ty = ty;
        // Follow named newtypes and aliases down to the primitive, keeping their rules.
        for _ in 0..crate::guard::MAX_SCHEMA_DEPTH {
            let TypeRef::Named(id) = ty.non_null() else {
                break;
            };
            match self.types.get(id.0).map(|d| &d.kind) {
                Some(TypeKind::Newtype(n)) => {
                    constraints.extend(n.constraints.iter().cloned());
                    ty = n.base.clone();
                }
                Some(TypeKind::Alias(next)) => ty = next.clone(),
                Some(TypeKind::Enum(_)) => return Some((TypeRef::Named(*id), Vec::new())),
                _ => return None,
            }
        }
        match ty.non_null() {
            t @ (TypeRef::String
            | TypeRef::Binary
            | TypeRef::Integer(_)
            | TypeRef::Number
            | TypeRef::Boolean) => Some((t.clone(), constraints)),
            _ => None,
        }
    }

    /// Objects and one union of objects: a union whose every variant is a struct holding the
    /// objects' properties and the variant's own. `None` when the members are not that.
    /// `members` come with their pointers (an `allOf`'s members, or a schema's own
    /// properties beside its `oneOf`).
    pub(crate) fn objects_with_union(
        &mut self,
        members: &[(&ReferenceOr<Schema>, String)],
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Option<Shape> {
        let (union_index, branches, branches_at) = self.the_one_union(members)?;
        let mut scope = Scope::default();
        let mut variants = Vec::with_capacity(branches.len());
        for (b, branch) in branches.iter().enumerate() {
            let mut parts = ObjectParts::default();
            for (i, (member, member_at)) in members.iter().enumerate() {
                let ok = match i == union_index {
                    true => self.object_parts(branch, &join_index(&branches_at, b), &mut parts),
                    false => {
                        is_annotation(member) || self.object_parts(member, member_at, &mut parts)
                    }
                };
                if !ok {
                    return None;
                }
            }
            let label = branch_label(branch, b);
            let variant_ctx = Ctx {
                pointer: join_index(&branches_at, b),
                name: format!("{}{label}", ctx.name),
                wire: ctx.wire.clone(),
            };
            let ty = self.merged_variant(branch, &parts, &variant_ctx);
            variants.push(UnionVariant {
                name: scope.claim(&label),
                ty,
            });
        }
        self.ignore_constraints(extra, "an object", ctx);
        Some(Shape::Def(TypeKind::Union(Union {
            variants,
            constraints: Vec::new(),
        })))
    }

    /// The index of the one member that is a union (every other one an object), with its
    /// branches and their pointer; `None` when there is no such member or several.
    fn the_one_union<'m>(
        &self,
        members: &[(&'m ReferenceOr<Schema>, String)],
    ) -> Option<(usize, &'m [ReferenceOr<Schema>], String)>
    where
        'a: 'm,
    {
        let mut found = None;
        for (i, (member, member_at)) in members.iter().enumerate() {
            if is_annotation(member)
                || self.object_parts(member, member_at, &mut ObjectParts::default())
            {
                continue;
            }
            let branches =
                refs::schema_body(self.doc, member).and_then(|s| union_branches(s, member_at));
            match (branches, &found) {
                (Some((branches, at)), None) => found = Some((i, branches, at)),
                _ => return None,
            }
        }
        found
    }

    /// The struct of one merged variant, defined under `ctx`'s name.
    fn merged_variant(
        &mut self,
        branch: &ReferenceOr<Schema>,
        parts: &ObjectParts<'_>,
        ctx: &Ctx,
    ) -> TypeRef {
        match self.struct_from_parts(parts, Vec::new(), ctx) {
            Shape::Ref(ty) => ty,
            Shape::Def(kind) => {
                let docs = refs::schema_body(self.doc, branch).map(super::schema::schema_docs);
                let id = self.define(
                    &ctx.name,
                    &ctx.wire,
                    &ctx.pointer,
                    docs.unwrap_or_default(),
                    kind,
                );
                TypeRef::Named(id)
            }
        }
    }
}

/// The name a merged variant takes: the referenced schema's, else its `title`, else its
/// position.
fn branch_label(branch: &ReferenceOr<Schema>, index: usize) -> String {
    let named = match branch {
        ReferenceOr::Reference { reference } => {
            refs::component_name(reference, "schemas").map(refs::unescape)
        }
        ReferenceOr::Item(schema) => schema.schema_data.title.clone(),
    };
    named
        .map(|n| naming::type_name(&n))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("Variant{index}"))
}

/// The type both `a` and `b` allow: the same one, or the narrower integer.
fn narrower(a: &TypeRef, b: &TypeRef) -> Option<TypeRef> {
    match (a, b) {
        (x, y) if x == y => Some(x.clone()),
        (TypeRef::Integer(_), TypeRef::Integer(_)) => Some(TypeRef::Integer(IntWidth::I32)),
        (TypeRef::Integer(w), TypeRef::Number) | (TypeRef::Number, TypeRef::Integer(w)) => {
            Some(TypeRef::Integer(*w))
        }
        _ => None,
    }
}
