//! Pure questions about a schema, asked by several lowering passes: no state, no lowering,
//! no diagnostics. The passes (`combinator`, `merge`, `object`, `schema`, `untyped`) import
//! from here and this module from none of them, so `lower/` has no import cycle.

use crate::refs;
use openapiv3::{AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// Why the load guard refused this schema, if it did (see [`crate::guard`]).
pub(crate) fn invalid_reason(schema: &Schema) -> Option<&str> {
    schema
        .schema_data
        .extensions
        .get(crate::guard::INVALID)
        .and_then(serde_json::Value::as_str)
}

/// True for a member that only annotates (`{description: …, example: …}`): it adds no rule.
pub(crate) fn is_annotation(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Item(s) => {
            matches!(&s.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
                && invalid_reason(s).is_none()
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// The values of a `{not: {enum: [...]}}` member, if that is what it is.
pub(crate) fn forbidden_values(doc: &OpenAPI, member: &ReferenceOr<Schema>) -> Option<Vec<String>> {
    let ReferenceOr::Item(Schema {
        schema_kind: SchemaKind::Not { not },
        ..
    }) = member
    else {
        return None;
    };
    let target = refs::schema_body(doc, not)?;
    match &target.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            Some(s.enumeration.iter().flatten().cloned().collect())
        }
        SchemaKind::Any(any) if !any.enumeration.is_empty() => any
            .enumeration
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

/// For a union of strings that are enums or unconstrained (`oneOf: [{enum: [asc]}, {enum:
/// [desc]}]`, or known values plus any string), the values of one open enum: our enums keep
/// unknown values, so this admits exactly what the union does. Empty for plain strings only;
/// `None` when a member is anything else (a constrained string keeps its own variant).
pub(crate) fn string_values(
    doc: &OpenAPI,
    members: &[(usize, &ReferenceOr<Schema>)],
) -> Option<Vec<Option<String>>> {
    let mut values: Vec<Option<String>> = Vec::new();
    for (_, member) in members {
        let schema = refs::schema_body(doc, member)?;
        let own: Vec<Option<String>> = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let binary = matches!(
                    s.format,
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                );
                if binary {
                    return None;
                }
                let plain = s.pattern.is_none() && s.min_length.is_none() && s.max_length.is_none();
                if s.enumeration.is_empty() && !plain {
                    return None;
                }
                s.enumeration.clone()
            }
            SchemaKind::Any(any) if is_bare_string_enum(any) => any
                .enumeration
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => return None,
        };
        for value in own {
            if value.is_some() && !values.contains(&value) {
                values.push(value);
            }
        }
    }
    Some(values)
}

/// `{enum: [a, b]}` with no `type` and nothing else: a string enumeration.
fn is_bare_string_enum(any: &AnySchema) -> bool {
    let bare = AnySchema {
        typ: any.typ.clone().filter(|t| t == "string"),
        enumeration: any.enumeration.clone(),
        ..Default::default()
    };
    !any.enumeration.is_empty()
        && any.enumeration.iter().all(|v| v.is_string() || v.is_null())
        && *any == bare
}

/// How many schemas [`json_kinds`] looks at through `allOf` members and references
/// before it gives up: bounded work per question, whatever the document's shape.
const KINDS_BUDGET: usize = 64;

/// The JSON types a member admits, as bits: string, number, boolean, object, array; 0 when
/// the member does not say (no type, or a union). An `allOf` admits the type its typed
/// members name (nested ones too); a schema without `type` the one its keywords imply.
pub(crate) fn json_kinds(doc: &OpenAPI, member: &ReferenceOr<Schema>) -> u8 {
    let mut budget = KINDS_BUDGET;
    kinds_within(doc, member, &mut budget)
}

fn kinds_within(doc: &OpenAPI, member: &ReferenceOr<Schema>, budget: &mut usize) -> u8 {
    let Some(left) = budget.checked_sub(1) else {
        return 0;
    };
    *budget = left;
    let Some(schema) = refs::schema_body(doc, member) else {
        return 0;
    };
    let all_of = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.as_slice(),
        SchemaKind::Any(any) => {
            let implied = implied_type(any, schema.schema_data.default.as_ref());
            match any.typ.as_deref().or(implied) {
                Some(typ) => return kind_bit(typ),
                None => any.all_of.as_slice(),
            }
        }
        SchemaKind::Type(t) => return kind_bit(type_name(t)),
        _ => return 0,
    };
    all_of
        .iter()
        .map(|m| kinds_within(doc, m, budget))
        .find(|k| *k != 0)
        .unwrap_or(0)
}

/// The keyword `type` takes for `t`.
fn type_name(t: &Type) -> &'static str {
    match t {
        Type::String(_) => "string",
        Type::Number(_) | Type::Integer(_) => "number",
        Type::Boolean(_) => "boolean",
        Type::Object(_) => "object",
        Type::Array(_) => "array",
    }
}

/// The bit [`json_kinds`] uses for a `type` name (0 for a name OpenAPI does not define).
pub(crate) fn kind_bit(typ: &str) -> u8 {
    match typ {
        "string" => 1,
        "number" | "integer" => 2,
        "boolean" => 4,
        "object" => 8,
        "array" => 16,
        _ => 0,
    }
}

/// What values of the kinds `bits` are, for messages: `a string`, `an object`.
pub(crate) fn kind_name(bits: u8) -> &'static str {
    match bits {
        1 => "a string",
        2 => "a number",
        4 => "a boolean",
        8 => "an object",
        16 => "an array",
        _ => "a value of several types",
    }
}

/// True for a branch that only lists `required` properties (`anyOf: [{required: [a]},
/// {required: [b]}]`): it adds no property and no type, so merging ignores it.
pub(crate) fn only_requires(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = member else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.is_empty() && o.additional_properties.is_none()
        }
        SchemaKind::Any(any) => {
            let bare = AnySchema {
                typ: any.typ.clone().filter(|t| t == "object"),
                required: any.required.clone(),
                ..Default::default()
            };
            *any == bare
        }
        _ => false,
    }
}

/// The branches of a `oneOf` / `anyOf` schema, with the pointer of their list.
pub(crate) fn union_branches<'s>(
    schema: &'s Schema,
    pointer: &str,
) -> Option<(&'s [ReferenceOr<Schema>], String)> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some((one_of, crate::diagnostics::join(pointer, "oneOf"))),
        SchemaKind::AnyOf { any_of } => Some((any_of, crate::diagnostics::join(pointer, "anyOf"))),
        SchemaKind::Any(any) if any.properties.is_empty() && any.all_of.is_empty() => {
            match (any.one_of.is_empty(), any.any_of.is_empty()) {
                (false, true) => Some((&any.one_of, crate::diagnostics::join(pointer, "oneOf"))),
                (true, false) => Some((&any.any_of, crate::diagnostics::join(pointer, "anyOf"))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The type a schema without `type` implies by its other keywords, if any.
pub(crate) fn implied_type(any: &AnySchema, default: Option<&Value>) -> Option<&'static str> {
    if !any.properties.is_empty() || any.additional_properties.is_some() {
        return Some("object");
    }
    if any.items.is_some() || any.min_items.is_some() || any.max_items.is_some() {
        return Some("array");
    }
    if any.pattern.is_some() || any.min_length.is_some() || any.max_length.is_some() {
        return Some("string");
    }
    if let Some(typ) = any.format.as_deref().and_then(format_type) {
        return Some(typ);
    }
    let numbers: Vec<f64> = [any.minimum, any.maximum, any.multiple_of]
        .into_iter()
        .flatten()
        .collect();
    if !numbers.is_empty() {
        let whole = numbers.iter().all(|n| n.fract() == 0.0)
            && default.is_none_or(|d| d.is_i64() || d.is_u64());
        return Some(if whole { "integer" } else { "number" });
    }
    if !any.enumeration.is_empty() {
        return values_type(any.enumeration.iter().filter(|v| !v.is_null()));
    }
    values_type(default.into_iter())
}

/// The type a `format` belongs to, for the formats OpenAPI and JSON Schema name.
fn format_type(format: &str) -> Option<&'static str> {
    match format {
        "int32" | "int64" => Some("integer"),
        "float" | "double" => Some("number"),
        "byte" | "binary" | "date" | "date-time" | "password" | "uuid" | "uri" | "email"
        | "hostname" | "ipv4" | "ipv6" => Some("string"),
        _ => None,
    }
}

/// The one scalar type all `values` share, if they share one.
fn values_type<'v>(values: impl Iterator<Item = &'v Value>) -> Option<&'static str> {
    let mut found: Option<&'static str> = None;
    for value in values {
        let typ = match value {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            _ => return None,
        };
        found = match (found, typ) {
            (None, t) => Some(t),
            (Some(a), b) if a == b => Some(a),
            (Some("integer"), "number") | (Some("number"), "integer") => Some("number"),
            _ => return None,
        };
    }
    found
}

/// True for a union branch that only narrows an object whose properties are `declared`:
/// it is an object (no combinator of its own) that lists `required` names and restates
/// declared properties (`{properties: {status: {enum: [completed]}}, required: [status]}`),
/// adds no property and refuses no extra member. Such a branch says which values go
/// together, not what the object holds.
pub(crate) fn refines(doc: &OpenAPI, branch: &ReferenceOr<Schema>, declared: &[String]) -> bool {
    let Some(schema) = refs::schema_body(doc, branch) else {
        return false;
    };
    let open = |ap: Option<&openapiv3::AdditionalProperties>| {
        !matches!(ap, Some(openapiv3::AdditionalProperties::Any(false)))
    };
    let known = |props: &indexmap::IndexMap<String, _>| props.keys().all(|n| declared.contains(n));
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            known(&o.properties) && open(o.additional_properties.as_ref())
        }
        SchemaKind::Any(any) => {
            any.typ.as_deref().is_none_or(|t| t == "object")
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && any.items.is_none()
                && known(&any.properties)
                && open(any.additional_properties.as_ref())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(value: Value) -> AnySchema {
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn keywords_imply_a_type() {
        let cases = [
            (serde_json::json!({"minimum": 1}), None, Some("integer")),
            (serde_json::json!({"maximum": 0.5}), None, Some("number")),
            (
                serde_json::json!({"minimum": 1}),
                Some(serde_json::json!(1.5)),
                Some("number"),
            ),
            (serde_json::json!({"maxLength": 3}), None, Some("string")),
            (serde_json::json!({"format": "uuid"}), None, Some("string")),
            (
                serde_json::json!({"format": "int64"}),
                None,
                Some("integer"),
            ),
            (
                serde_json::json!({"enum": ["a", null]}),
                None,
                Some("string"),
            ),
            (serde_json::json!({"enum": [1, 2.5]}), None, Some("number")),
            (serde_json::json!({"enum": [1, "a"]}), None, None),
            (
                serde_json::json!({}),
                Some(serde_json::json!(20)),
                Some("integer"),
            ),
            (
                serde_json::json!({}),
                Some(serde_json::json!(false)),
                Some("boolean"),
            ),
            (
                serde_json::json!({}),
                Some(serde_json::json!({"a": 1})),
                None,
            ),
            (serde_json::json!({"minItems": 1}), None, Some("array")),
            (serde_json::json!({}), None, None),
        ];
        for (schema, default, expected) in cases {
            assert_eq!(
                implied_type(&any(schema.clone()), default.as_ref()),
                expected,
                "{schema} with default {default:?}"
            );
        }
    }
}
