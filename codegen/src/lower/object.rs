//! Objects: structs, maps, free-form JSON objects, and the property lists `allOf` merges.

use super::predicates::{invalid_reason, is_annotation, only_requires, union_branches};
use super::schema::{schema_docs, Shape};
use super::{Ctx, Lowerer};
use crate::diagnostics::join;
use crate::model::{Constraint, Docs, Field, Struct, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use crate::refs;
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ObjectType, ReferenceOr, Schema, SchemaKind, Type};

/// The properties of an object-like schema, gathered through `$ref` and `allOf`.
#[derive(Clone, Default)]
pub(crate) struct ObjectParts<'a> {
    /// `(wire name, schema, pointer)`, later entries replacing earlier ones of the same name.
    pub props: Vec<(String, &'a ReferenceOr<Box<Schema>>, String)>,
    /// Every name listed in a `required`.
    pub required: Vec<String>,
    /// The last `additionalProperties` seen, with its pointer.
    pub additional: Option<(&'a AdditionalProperties, String)>,
    /// References already followed: an `allOf` cycle adds nothing the second time round.
    pub visited: Vec<String>,
}

impl<'a> ObjectParts<'a> {
    fn add_object(&mut self, o: &'a ObjectType, pointer: &str) {
        self.add_props(
            &o.properties,
            &o.required,
            o.additional_properties.as_ref(),
            pointer,
        );
    }

    fn add_props(
        &mut self,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
    ) {
        let props_at = join(pointer, "properties");
        for (name, schema) in properties {
            let at = join(&props_at, name);
            match self.props.iter_mut().find(|(n, _, _)| n == name) {
                // A later member refines a property (e.g. an envelope's `result`).
                Some(slot) => *slot = (name.clone(), schema, at),
                None => self.props.push((name.clone(), schema, at)),
            }
        }
        for name in required {
            if !self.required.contains(name) {
                self.required.push(name.clone());
            }
        }
        if let Some(ap) = additional {
            self.additional = Some((ap, join(pointer, "additionalProperties")));
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Gathers the properties of `schema` if it is an object or an `allOf` of objects.
    /// Members that only annotate (description, example) are skipped.
    pub(crate) fn object_parts<'p>(
        &self,
        item: &'p ReferenceOr<Schema>,
        pointer: &str,
        parts: &mut ObjectParts<'p>,
    ) -> bool
    where
        'a: 'p,
    {
        let (schema, at) = match item {
            ReferenceOr::Item(s) => (s, pointer.to_owned()),
            ReferenceOr::Reference { reference } => {
                if parts.visited.contains(reference) {
                    return true;
                }
                parts.visited.push(reference.clone());
                return match refs::schema(self.doc, reference) {
                    Some(target) => self.object_parts(target, reference, parts),
                    None => false,
                };
            }
        };
        self.schema_object_parts(schema, &at, parts)
    }

    pub(crate) fn schema_object_parts<'p>(
        &self,
        schema: &'p Schema,
        at: &str,
        parts: &mut ObjectParts<'p>,
    ) -> bool
    where
        'a: 'p,
    {
        if invalid_reason(schema).is_some() {
            return false;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                parts.add_object(o, at);
                true
            }
            // Branches that only say which properties are required add no property.
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                branches.iter().all(only_requires)
            }
            SchemaKind::AllOf { all_of } => all_of.iter().enumerate().all(|(i, m)| {
                is_annotation(m)
                    || self.object_parts(
                        m,
                        &crate::diagnostics::join_index(&join(at, "allOf"), i),
                        parts,
                    )
            }),
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                let unions = any.one_of.iter().chain(&any.any_of);
                if !unions.clone().all(only_requires) || any.not.is_some() {
                    return false;
                }
                let all_of_at = join(at, "allOf");
                let members_ok = any.all_of.iter().enumerate().all(|(i, m)| {
                    is_annotation(m)
                        || self.object_parts(
                            m,
                            &crate::diagnostics::join_index(&all_of_at, i),
                            parts,
                        )
                });
                parts.add_props(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    at,
                );
                members_ok
            }
            _ => false,
        }
    }

    /// The fields of a form body: an object's properties, or those of every branch of a
    /// union of objects (a field is then required only when every branch requires it).
    pub(crate) fn form_parts<'p>(
        &self,
        item: &'p ReferenceOr<Schema>,
        pointer: &str,
    ) -> Option<ObjectParts<'p>>
    where
        'a: 'p,
    {
        let mut parts = ObjectParts::default();
        if self.object_parts(item, pointer, &mut parts) {
            return Some(parts);
        }
        let (branches, at) = union_branches(refs::schema_body(self.doc, item)?, pointer)?;
        let mut merged: Option<ObjectParts<'p>> = None;
        for (i, branch) in branches.iter().enumerate() {
            let mut parts = ObjectParts::default();
            if !self.object_parts(branch, &crate::diagnostics::join_index(&at, i), &mut parts) {
                return None;
            }
            merged = Some(match merged {
                None => parts,
                Some(mut all) => {
                    all.required.retain(|name| parts.required.contains(name));
                    for (name, schema, at) in parts.props {
                        if !all.props.iter().any(|(n, _, _)| *n == name) {
                            all.props.push((name, schema, at));
                        }
                    }
                    all
                }
            });
        }
        merged
    }

    /// `type: object`: a struct when it names properties, else a map or a free-form object.
    pub(crate) fn object_shape(
        &mut self,
        o: &ObjectType,
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        if o.min_properties.is_some() || o.max_properties.is_some() {
            let message = "`minProperties` / `maxProperties` are not enforced";
            self.diags.warn(
                crate::diagnostics::Kind::Ignored,
                ctx.pointer.clone(),
                message,
            );
        }
        let mut parts = ObjectParts::default();
        parts.add_object(o, &ctx.pointer);
        self.struct_from_parts(&parts, extra, ctx)
    }

    /// Builds the struct (or map) that a property list describes.
    pub(crate) fn struct_from_parts(
        &mut self,
        parts: &ObjectParts<'_>,
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let additional = parts
            .additional
            .as_ref()
            .map(|(ap, at)| self.additional(ap, &ctx.at(at.clone())));
        if parts.props.is_empty() {
            let base = match additional {
                Some(Some(TypeRef::Json)) | Some(None) | None => TypeRef::JsonObject,
                Some(Some(ty)) => TypeRef::Map(Box::new(ty)),
            };
            return self.constrained(base, extra, ctx);
        }
        self.ignore_constraints(extra, "an object with properties", ctx);
        let fields = self.fields(parts, ctx);
        Shape::Def(TypeKind::Struct(Struct {
            fields,
            additional: additional.flatten(),
        }))
    }

    /// `additionalProperties`: `None` when extra members are refused, else their type.
    fn additional(&mut self, ap: &AdditionalProperties, ctx: &Ctx) -> Option<TypeRef> {
        match ap {
            AdditionalProperties::Any(true) => Some(TypeRef::Json),
            AdditionalProperties::Any(false) => None,
            AdditionalProperties::Schema(schema) => {
                let value_ctx = Ctx {
                    pointer: ctx.pointer.clone(),
                    name: format!("{}Value", ctx.name),
                    wire: ctx.wire.clone(),
                };
                Some(self.lower(schema, &value_ctx))
            }
        }
    }

    fn fields(&mut self, parts: &ObjectParts<'_>, ctx: &Ctx) -> Vec<Field> {
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(parts.props.len());
        for (wire, schema, at) in &parts.props {
            let field_ctx = Ctx {
                pointer: at.clone(),
                name: format!("{}{}", ctx.name, naming::type_name(wire)),
                wire: wire.clone(),
            };
            let ty = self.lower_boxed(schema, &field_ctx);
            fields.push(Field {
                name: scope.claim(&naming::field_name(wire)),
                wire_name: wire.clone(),
                ty,
                required: parts.required.contains(wire),
                docs: self.boxed_docs(schema),
            });
        }
        fields
    }

    /// The docs of a property: its own, or those of the schema it refers to.
    pub(crate) fn boxed_docs(&self, item: &ReferenceOr<Box<Schema>>) -> Docs {
        refs::boxed_schema_body(self.doc, item)
            .map(schema_docs)
            .unwrap_or_default()
    }

    /// Like [`Self::boxed_docs`] for unboxed references.
    pub(crate) fn item_docs(&self, item: &ReferenceOr<Schema>) -> Docs {
        refs::schema_body(self.doc, item)
            .map(schema_docs)
            .unwrap_or_default()
    }
}
