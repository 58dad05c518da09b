//! Schemas `openapiv3` could not classify: no `type`, or keywords of several types. The type is
//! the one `type` names, else the one the other keywords imply (`minimum` → a number,
//! `minLength` → a string, `default: 20` → an integer, an `enum` of strings → a string).

use super::predicates::implied_type;
use super::{Ctx, Lowerer};
use crate::diagnostics::{join, Kind};
use crate::model::Constraint;
use openapiv3::{AnySchema, Type};
use serde_json::{Map, Value};

impl Lowerer<'_> {
    /// Re-reads a mixed schema as the type its `type` keyword (or its keywords) name, with
    /// the bounds of an integer that only a double could hold (`maximum: 9223372036854776000`).
    pub(crate) fn typed(
        &mut self,
        any: &AnySchema,
        default: Option<&Value>,
        ctx: &Ctx,
    ) -> Option<(Type, Vec<Constraint>)> {
        let typ = match any.typ.as_deref() {
            Some(t) => t.to_owned(),
            None => implied_type(any, default)?.to_owned(),
        };
        let mut value = serde_json::to_value(any).ok()?;
        let mut bounds = Vec::new();
        if let Some(map) = value.as_object_mut() {
            map.insert("type".to_owned(), Value::String(typ.clone()));
            for key in foreign_keywords(&typ, map) {
                let message = format!("keyword `{key}` does not apply to type `{typ}`; ignored");
                self.diags
                    .warn(Kind::Ignored, join(&ctx.pointer, &key), message);
                map.remove(&key);
            }
            if typ == "integer" {
                bounds = self.fractional_integer_keywords(map, ctx);
            }
        }
        match serde_json::from_value::<Type>(value) {
            Ok(t) => Some((t, bounds)),
            Err(err) => {
                self.diags.error(
                    Kind::Invalid,
                    ctx.pointer.clone(),
                    format!("schema of type `{typ}` is malformed: {err}"),
                );
                None
            }
        }
    }

    /// Takes out of an integer schema the keywords whose values are not 64-bit integers:
    /// bounds become constraints (checked as doubles, as all bounds are; one beyond the range
    /// of an `i64` holds for every value and is dropped), `multipleOf` and `enum` are not
    /// enforced on integers anyway.
    fn fractional_integer_keywords(
        &mut self,
        map: &mut Map<String, Value>,
        ctx: &Ctx,
    ) -> Vec<Constraint> {
        whole_numbers_as_integers(map);
        let mut bounds = Vec::new();
        let exclusive = |map: &Map<String, Value>, key: &str| {
            map.get(key).and_then(Value::as_bool).unwrap_or(false)
        };
        for key in ["minimum", "maximum"] {
            let Some(bound) = map.get(key).filter(|v| !v.is_i64()).and_then(Value::as_f64) else {
                continue;
            };
            map.remove(key);
            // `i64::MAX as f64` rounds up to 2^63, so `>=` catches the spelling of i64::MAX too.
            let vacuous = match key {
                "minimum" => bound <= i64::MIN as f64,
                _ => bound >= i64::MAX as f64,
            };
            if vacuous {
                continue;
            }
            bounds.push(match key {
                "minimum" => Constraint::Minimum {
                    bound,
                    exclusive: exclusive(map, "exclusiveMinimum"),
                },
                _ => Constraint::Maximum {
                    bound,
                    exclusive: exclusive(map, "exclusiveMaximum"),
                },
            });
        }
        let enum_fits = map
            .get("enum")
            .and_then(Value::as_array)
            .is_none_or(|values| values.iter().all(|v| v.is_i64() || v.is_null()));
        let multiple_fits = map.get("multipleOf").is_none_or(Value::is_i64);
        for (key, fits) in [("enum", enum_fits), ("multipleOf", multiple_fits)] {
            if !fits {
                map.remove(key);
                let message = format!(
                    "`{key}` with values that are not integers is not enforced on an integer"
                );
                self.diags
                    .warn(Kind::Ignored, join(&ctx.pointer, key), message);
            }
        }
        bounds
    }
}

/// Writes the whole numbers among an integer schema's numeric keywords as integers
/// (`AnySchema` holds them as doubles, which an integer schema does not read).
fn whole_numbers_as_integers(map: &mut Map<String, Value>) {
    fn integral(value: &mut Value) {
        let whole = value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64);
        if let (false, Some(f)) = (value.is_i64(), whole) {
            *value = Value::from(f as i64);
        }
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        if let Some(value) = map.get_mut(key) {
            integral(value);
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.iter_mut().for_each(integral);
    }
}

/// Keywords of `map` that belong to another type than `typ`.
fn foreign_keywords(typ: &str, map: &Map<String, Value>) -> Vec<String> {
    let own: &[&str] = match typ {
        "string" => &[
            "type",
            "format",
            "pattern",
            "enum",
            "minLength",
            "maxLength",
        ],
        "integer" | "number" => &[
            "type",
            "format",
            "multipleOf",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "enum",
        ],
        "boolean" => &["type", "enum"],
        "object" => &[
            "type",
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        "array" => &["type", "items", "minItems", "maxItems", "uniqueItems"],
        _ => &["type"],
    };
    map.keys()
        .filter(|k| !own.contains(&k.as_str()))
        .cloned()
        .collect()
}
