//! Whether a Rust field holds an `Option`: the one rule, which every emitter asks (struct
//! members, their checks and `Deserialize`, parameters structs, request building), so that a
//! field's declaration and the code that reads it can never disagree.

use super::{Field, FormField, Model, Param, ParamRole, RequestBody, TypeId, TypeRef};
use std::collections::BTreeSet;

/// How a field holds its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Holding<'t> {
    /// The type of a present value: the field's type with its `null` taken away. (An alias
    /// of a nullable type stays as it is: its Rust spelling is an `Option` already, the
    /// same in every place that names it.)
    pub value: &'t TypeRef,
    /// True when the field is `Option<value>`.
    pub optional: bool,
    /// True when the value is boxed: a member that contains its own struct.
    pub boxed: bool,
}

impl<'t> Holding<'t> {
    /// A field of an operation's parameters struct: what the caller sends. A value the
    /// caller must send is never `null` (they pass a value, or the member is not required),
    /// so only an unrequired field is an `Option`.
    pub fn parameter(ty: &'t TypeRef, required: bool) -> Self {
        Holding {
            value: ty.non_null(),
            optional: !required,
            boxed: false,
        }
    }

    /// The type the field's checks are written for: `Nullable(value)` when it is an `Option`.
    pub fn checked(&self) -> TypeRef {
        if self.optional {
            TypeRef::Nullable(Box::new(self.value.clone()))
        } else {
            self.value.clone()
        }
    }
}

impl Param {
    /// How the parameters struct (or the method's argument list) holds this parameter: a
    /// path argument is always given; a field is an `Option` unless required; one that
    /// falls back to the client's default is an `Option` whatever the spec says.
    pub fn holding(&self) -> Holding<'_> {
        let given = match self.role {
            ParamRole::Argument => true,
            ParamRole::Field => self.required,
            ParamRole::ClientDefault => false,
        };
        Holding::parameter(&self.ty, given)
    }
}

impl FormField {
    /// How the parameters struct holds this form part.
    pub fn holding(&self) -> Holding<'_> {
        Holding::parameter(&self.ty, self.required)
    }
}

impl Field {
    /// How the parameters struct holds this member of a JSON body set member by member
    /// (its struct itself holds it as [`Model::member_holding`] says).
    pub fn as_parameter(&self) -> Holding<'_> {
        Holding::parameter(&self.ty, self.required)
    }
}

impl RequestBody {
    /// How the parameters struct holds a body of type `ty` (JSON or raw bytes).
    pub fn holding<'t>(&self, ty: &'t TypeRef) -> Holding<'t> {
        Holding::parameter(ty, self.required)
    }
}

impl Model {
    /// A member of the struct `owner`. Structs are read from answers as well as sent, so a
    /// member is an `Option` when it may be absent (not required) or `null` (nullable), and
    /// when it contains `owner` itself: such a value could never be built otherwise, so it
    /// is boxed and optional.
    pub fn member_holding<'t>(&self, owner: TypeId, f: &'t Field) -> Holding<'t> {
        let value = f.ty.non_null();
        let boxed = self.contains_directly(value, owner);
        Holding {
            value,
            optional: !f.required || f.ty.is_nullable() || boxed,
            boxed,
        }
    }

    /// True when a value of `ty` holds a value of `owner` inline (not behind a list or a
    /// map): `owner` would have an infinite size without a box.
    pub fn contains_directly(&self, ty: &TypeRef, owner: TypeId) -> bool {
        self.contains_in(ty, owner, &mut BTreeSet::new())
    }

    fn contains_in(&self, ty: &TypeRef, owner: TypeId, seen: &mut BTreeSet<TypeId>) -> bool {
        match ty {
            TypeRef::Nullable(t) => self.contains_in(t, owner, seen),
            TypeRef::Named(id) if *id == owner => true,
            TypeRef::Named(id) => {
                // Vec and map members live on the heap: only direct fields count.
                seen.insert(*id)
                    && self.refs_of(*id).iter().any(|t| {
                        !matches!(t, TypeRef::Array(_) | TypeRef::Map(_))
                            && self.contains_in(t, owner, seen)
                    })
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Docs, Struct, TypeDef, TypeKind};

    fn field(ty: TypeRef, required: bool) -> Field {
        Field {
            name: "f".to_owned(),
            wire_name: "f".to_owned(),
            ty,
            required,
            docs: Docs::default(),
        }
    }

    fn model_with(fields: Vec<Field>) -> Model {
        Model {
            types: vec![TypeDef {
                name: "S".to_owned(),
                wire_name: "s".to_owned(),
                pointer: String::new(),
                docs: Docs::default(),
                kind: TypeKind::Struct(Struct {
                    fields,
                    additional: None,
                }),
            }],
            ..Model::default()
        }
    }

    #[test]
    fn a_required_nullable_member_is_optional_in_its_struct_but_not_as_a_parameter() {
        let nullable = TypeRef::Nullable(Box::new(TypeRef::String));
        let f = field(nullable.clone(), true);
        let model = model_with(vec![f.clone()]);
        let member = model.member_holding(TypeId(0), &f);
        assert!(member.optional);
        assert_eq!(member.value, &TypeRef::String);
        let param = Holding::parameter(&nullable, true);
        assert!(!param.optional);
        assert_eq!(param.value, &TypeRef::String);
        assert_eq!(param.checked(), TypeRef::String);
        assert_eq!(Holding::parameter(&nullable, false).checked(), nullable);
    }

    #[test]
    fn a_member_that_contains_its_struct_is_boxed_and_optional() {
        let f = field(TypeRef::Named(TypeId(0)), true);
        let model = model_with(vec![f.clone()]);
        let member = model.member_holding(TypeId(0), &f);
        assert!(member.boxed && member.optional);
        let listed = field(TypeRef::Array(Box::new(TypeRef::Named(TypeId(0)))), true);
        let member = model.member_holding(TypeId(0), &listed);
        assert!(!member.boxed && !member.optional);
    }
}
