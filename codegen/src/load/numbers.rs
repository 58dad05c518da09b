//! Numbers as real specs write them, brought into the ranges `openapiv3` holds.
//!
//! Specs write `maxLength: 5.0`, `minimum: -9223372036854776000` (i64's limit through a
//! double), `maximum: 18446744073709552000` (u64's), `maximum: -.inf` (YAML). `openapiv3`
//! holds lengths and counts as `usize` and integer bounds as `i64`, and would refuse such a
//! schema whole. Here each numeric keyword of a schema is made to fit, or dropped, and
//! every change that loses something is a warning naming the keyword and the value.

use super::walk::{self, Ctx, Pointer, Visit};
use crate::diagnostics::{Diagnostics, Kind};
use serde_yaml::{Mapping, Number, Value};

/// Keywords holding a count (a length, a number of items or properties).
const COUNTS: &[&str] = &[
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
];

/// Keywords holding a bound or step of the value itself.
const BOUNDS: &[&str] = &["minimum", "maximum", "multipleOf"];

/// Normalises every schema of `doc`.
pub(crate) fn normalise(doc: &mut Value, diags: &mut Diagnostics) {
    walk::document(doc, &mut Numbers { diags });
}

struct Numbers<'d> {
    diags: &'d mut Diagnostics,
}

impl Visit for Numbers<'_> {
    fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool {
        if ctx == Ctx::Schema {
            if let Value::Mapping(map) = node {
                self.schema(map, at);
            }
        }
        true
    }
}

impl Numbers<'_> {
    fn schema(&mut self, map: &mut Mapping, at: &Pointer) {
        let integer = map.get("type").and_then(Value::as_str) == Some("integer");
        for key in COUNTS {
            self.fit(map, key, at, Fit::Count);
        }
        for key in BOUNDS {
            let fit = if integer { Fit::Integer } else { Fit::Number };
            self.fit(map, key, at, fit);
        }
        if integer {
            whole_enum_values(map);
        }
    }

    /// Makes `map[key]` fit `fit`, or removes it with a warning.
    fn fit(&mut self, map: &mut Mapping, key: &str, at: &Pointer, fit: Fit) {
        let Some(Value::Number(number)) = map.get(key) else {
            return;
        };
        let Some(f) = number.as_f64() else { return };
        if number.is_i64() && fit != Fit::Count || number.is_u64() && fit == Fit::Number {
            return;
        }
        let outcome = fit.apply(key, number, f);
        let here = at.child(key);
        match outcome {
            Outcome::Keep => {}
            Outcome::Replace(value, note) => {
                if let Some(note) = note {
                    self.diags.warn(Kind::Ignored, here.as_str(), note);
                }
                map.insert(Value::from(key), value);
            }
            Outcome::Drop(reason) => {
                map.remove(key);
                if !reason.is_empty() {
                    self.diags.warn(Kind::Ignored, here.as_str(), reason);
                }
            }
        }
    }
}

/// The range a keyword's value must fall in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    /// A count: a whole number from 0 (`usize`).
    Count,
    /// A bound of an integer schema (`i64`).
    Integer,
    /// A bound of any other schema (a finite `f64`).
    Number,
}

enum Outcome {
    Keep,
    Replace(Value, Option<String>),
    Drop(String),
}

impl Fit {
    fn apply(self, key: &str, number: &Number, f: f64) -> Outcome {
        if !f.is_finite() {
            return Outcome::Drop(format!("`{key}: {number}` is not a finite number: ignored"));
        }
        match self {
            Fit::Number => Outcome::Keep,
            Fit::Count => count(key, number, f),
            Fit::Integer => integer_bound(key, number, f),
        }
    }
}

/// A count as a whole number from 0; a fraction is rounded the way that keeps the rule.
fn count(key: &str, number: &Number, f: f64) -> Outcome {
    if f < 0.0 {
        return Outcome::Drop(format!("`{key}: {number}` is negative: ignored"));
    }
    let rounded = if key.starts_with("min") {
        f.ceil()
    } else {
        f.floor()
    };
    if rounded > 9_007_199_254_740_992.0 {
        return Outcome::Drop(format!(
            "`{key}: {number}` is beyond any size a value can have: ignored"
        ));
    }
    let note = (rounded != f).then(|| format!("`{key}: {number}` is not whole: read as {rounded}"));
    Outcome::Replace(Value::Number(Number::from(rounded as u64)), note)
}

/// An integer schema's bound or step as an `i64`.
fn integer_bound(key: &str, number: &Number, f: f64) -> Outcome {
    let rounded = match key {
        "minimum" => f.ceil(),
        "maximum" => f.floor(),
        _ if f.fract() != 0.0 => {
            return Outcome::Drop(format!(
                "`{key}: {number}` is not whole, so no integer rule: ignored"
            ))
        }
        _ => f,
    };
    // i64's limits written through a double read ±2^63: no rule on an i64 at all, as their
    // writer meant. Farther out the bound means nothing for the type generated either, but
    // was written on purpose: that is said.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if rounded >= LIMIT || rounded <= -LIMIT {
        if rounded.abs() == LIMIT {
            return Outcome::Drop(String::new());
        }
        return Outcome::Drop(format!(
            "`{key}: {number}` is beyond the range of i64, the integer type generated: ignored"
        ));
    }
    let note = (rounded != f).then(|| format!("`{key}: {number}` is not whole: read as {rounded}"));
    Outcome::Replace(Value::Number(Number::from(rounded as i64)), note)
}

/// An integer schema's `enum` may write `2.0`: whole floats become integers.
fn whole_enum_values(map: &mut Mapping) {
    let Some(Value::Sequence(values)) = map.get_mut("enum") else {
        return;
    };
    for value in values {
        let Value::Number(n) = value else { continue };
        if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
            if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                *value = Value::Number(Number::from(f as i64));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn run(schema: &str) -> (Value, Vec<String>) {
        let text = format!("components:\n  schemas:\n    s: {schema}\n");
        let mut diags = Diagnostics::default();
        let mut doc = super::super::parse::parse(&text, "spec", &mut diags).unwrap();
        normalise(&mut doc, &mut diags);
        let notes = diags
            .items()
            .iter()
            .map(|d| format!("{} @ {}", d.message, d.pointer))
            .collect();
        (doc["components"]["schemas"]["s"].clone(), notes)
    }

    #[test]
    fn integer_limits_through_a_double_fit_or_go() {
        let (s, notes) =
            run("{type: integer, minimum: -9223372036854776000, maximum: 18446744073709552000}");
        assert!(s.get("minimum").is_none(), "i64::MIN is no rule on an i64");
        assert!(s.get("maximum").is_none());
        assert_eq!(notes, ["`maximum: 1.8446744073709552e19` is beyond the range of i64, the integer type generated: ignored @ #/components/schemas/s/maximum"]);
    }

    #[test]
    fn non_finite_bounds_are_dropped_and_whole_floats_kept() {
        let (s, notes) = run("{type: number, maximum: -.inf, minimum: 1.5}");
        assert!(s.get("maximum").is_none());
        assert_eq!(s["minimum"].as_f64(), Some(1.5));
        assert_eq!(
            notes,
            ["`maximum: -.inf` is not a finite number: ignored @ #/components/schemas/s/maximum"]
        );
    }

    #[test]
    fn counts_become_whole() {
        let (s, notes) = run("{type: string, maxLength: 5.0, minLength: 1.5, maxItems: -1}");
        assert_eq!(s["maxLength"].as_u64(), Some(5));
        assert_eq!(s["minLength"].as_u64(), Some(2));
        assert!(s.get("maxItems").is_none());
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn integer_enums_written_as_floats_are_integers() {
        let (s, _) = run("{type: integer, enum: [1.0, 2]}");
        assert_eq!(s["enum"][0].as_i64(), Some(1));
    }
}
