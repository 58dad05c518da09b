//! Schema dispatch: references, nullability, and which shape function handles a schema.

use super::predicates::invalid_reason;
use super::{Ctx, Lowerer};
use crate::diagnostics::Kind;
use crate::model::{Docs, TypeKind, TypeRef};
use crate::naming;
use crate::refs;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// What a schema lowers to before it is given a name.
pub(crate) enum Shape {
    /// An existing type: a primitive, a container or a named type.
    Ref(TypeRef),
    /// A type that needs its own definition.
    Def(TypeKind),
}

impl Lowerer<'_> {
    /// Lowers `components/schemas/<name>` once; later calls (and recursive ones) reuse it.
    pub(crate) fn lower_component(&mut self, reference: &str) -> TypeRef {
        if let Some(done) = self.by_ref.get(reference) {
            return done.clone();
        }
        let Some(name) = refs::component_name(reference, "schemas").map(refs::unescape) else {
            return TypeRef::Json;
        };
        let Some(item) = refs::schema(self.doc, reference) else {
            return TypeRef::Json;
        };
        let ctx = Ctx {
            pointer: reference.to_owned(),
            name: naming::type_name(&name),
            wire: name.clone(),
        };
        // Reserve the slot first so that a schema that refers to itself finds it.
        let id = self.define(
            &ctx.name,
            &name,
            reference,
            Docs::default(),
            TypeKind::Pending,
        );
        let nullable = matches!(item, ReferenceOr::Item(s) if s.schema_data.nullable);
        let own = if nullable {
            TypeRef::Nullable(Box::new(TypeRef::Named(id)))
        } else {
            TypeRef::Named(id)
        };
        self.by_ref.insert(reference.to_owned(), own.clone());
        let mark = self.diags.mark();
        let (kind, docs) = match item {
            ReferenceOr::Reference { reference: target } => (
                TypeKind::Alias(self.lower_reference(target, &ctx.pointer)),
                Docs::default(),
            ),
            ReferenceOr::Item(schema) => {
                let docs = schema_docs(schema);
                match self.shape(schema, &ctx) {
                    Shape::Def(kind) => (kind, docs),
                    Shape::Ref(ty) => (TypeKind::Alias(ty), docs),
                }
            }
        };
        self.fill(id, kind, docs);
        if let Some(error) = self.diags.first_error_since(mark) {
            self.tainted.insert(id, error.clone());
        }
        own
    }

    /// Lowers a `$ref` to a schema component, reporting a dangling or non-local one.
    pub(crate) fn lower_reference(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if refs::schema(self.doc, reference).is_none() {
            refs::report_bad_ref(self.doc, reference, "schemas", pointer, self.diags);
            return TypeRef::Json;
        }
        self.lower_component(reference)
    }

    /// Lowers a schema or reference found at `ctx`.
    pub(crate) fn lower(&mut self, item: &ReferenceOr<Schema>, ctx: &Ctx) -> TypeRef {
        match item {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, &ctx.pointer),
            ReferenceOr::Item(schema) => self.lower_inline(schema, ctx),
        }
    }

    /// Like [`Self::lower`] for the boxed form used by properties and items.
    pub(crate) fn lower_boxed(&mut self, item: &ReferenceOr<Box<Schema>>, ctx: &Ctx) -> TypeRef {
        match item {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, &ctx.pointer),
            ReferenceOr::Item(schema) => self.lower_inline(schema, ctx),
        }
    }

    /// Lowers a schema written in place; a shape that needs a definition is named from `ctx`.
    pub(crate) fn lower_inline(&mut self, schema: &Schema, ctx: &Ctx) -> TypeRef {
        if self.in_progress.contains(&ctx.pointer) {
            let message = "this schema contains itself through `allOf` without a `$ref` in between; move it into `components/schemas` and refer to it";
            self.diags
                .error(Kind::Invalid, ctx.pointer.clone(), message);
            return TypeRef::Json;
        }
        self.in_progress.push(ctx.pointer.clone());
        let shape = self.shape(schema, ctx);
        self.in_progress.pop();
        let ty = match shape {
            Shape::Ref(ty) => ty,
            Shape::Def(kind) => {
                let id = self.define(
                    &ctx.name,
                    &ctx.wire,
                    &ctx.pointer,
                    schema_docs(schema),
                    kind,
                );
                TypeRef::Named(id)
            }
        };
        if schema.schema_data.nullable && !ty.is_nullable() {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Picks the shape function for a schema.
    pub(crate) fn shape(&mut self, schema: &Schema, ctx: &Ctx) -> Shape {
        if let Some(reason) = invalid_reason(schema) {
            self.diags
                .error(Kind::Invalid, ctx.pointer.clone(), reason.to_owned());
            return Shape::Ref(TypeRef::Json);
        }
        let extra = self.extension_constraints(&schema.schema_data, &ctx.pointer);
        if schema.schema_data.discriminator.is_some() {
            let message = "`discriminator` is not used: union variants are tried in order";
            self.diags.warn(
                Kind::Ignored,
                crate::diagnostics::join(&ctx.pointer, "discriminator"),
                message,
            );
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => self.string_shape(s, extra, ctx),
            SchemaKind::Type(Type::Integer(i)) => self.integer_shape(i, extra, ctx),
            SchemaKind::Type(Type::Number(n)) => self.number_shape(n, extra, ctx),
            SchemaKind::Type(Type::Boolean(b)) => self.boolean_shape(b, extra, ctx),
            SchemaKind::Type(Type::Object(o)) => self.object_shape(o, extra, ctx),
            SchemaKind::Type(Type::Array(a)) => self.array_shape(a, extra, ctx),
            SchemaKind::AllOf { all_of } => self.all_of_shape(all_of, extra, ctx),
            SchemaKind::AnyOf { any_of } => self.union_shape(any_of, extra, ctx, "anyOf"),
            SchemaKind::OneOf { one_of } => self.union_shape(one_of, extra, ctx, "oneOf"),
            SchemaKind::Not { .. } => self.unsupported_not(ctx),
            SchemaKind::Any(any) => {
                self.any_shape(any, schema.schema_data.default.as_ref(), extra, ctx)
            }
        }
    }

    /// A lone `not` says what a value is not, never what it is: there is no type to generate.
    fn unsupported_not(&mut self, ctx: &Ctx) -> Shape {
        let message =
            "`not` is supported only as `allOf: [<type>, {not: {enum: [...]}}]` (forbidden values)";
        self.diags.error(
            Kind::Unsupported,
            crate::diagnostics::join(&ctx.pointer, "not"),
            message,
        );
        Shape::Ref(TypeRef::Json)
    }
}

/// Documentation of a schema: its title as summary, its description, and notes on defaults.
pub(crate) fn schema_docs(schema: &Schema) -> Docs {
    let data = &schema.schema_data;
    let mut docs = Docs {
        summary: data.title.clone(),
        description: data.description.clone(),
        notes: Vec::new(),
    };
    if let Some(default) = &data.default {
        docs.notes.push(format!("Defaults to `{default}`."));
    }
    if data.deprecated {
        docs.notes.push("Deprecated.".to_owned());
    }
    if let SchemaKind::Type(Type::Array(a)) = &schema.schema_kind {
        if a.unique_items {
            docs.notes.push("Items are unique.".to_owned());
        }
    }
    if docs.description.is_none() {
        docs.description = annotation_description(schema);
    }
    docs
}

/// The description an `allOf` member that only annotates carries (`allOf: [$ref, {description}]`).
fn annotation_description(schema: &Schema) -> Option<String> {
    let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
        return None;
    };
    all_of.iter().find_map(|member| match member {
        ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Any(_)) => {
            s.schema_data.description.clone()
        }
        _ => None,
    })
}
