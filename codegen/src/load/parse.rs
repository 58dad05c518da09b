//! Text (YAML or JSON) → one tree, in time and memory proportional to the text.
//!
//! The tree is built by a visitor of our own rather than by `serde_yaml::Value`'s, for three
//! reasons a real spec runs into:
//! - YAML aliases are expanded by the parser, so a few lines of anchors can stand for gigabytes
//!   (an "alias bomb"). Every node the parser hands over is charged to a budget proportional
//!   to the text's length; past it, the document is refused with the line where it happened.
//! - Integer literals of any size load (`18446744073709552000`, `-9223372036854776000`: i64 and
//!   u64 limits written through a double): beyond 64 bits they become floats, which the
//!   numbers pass of [`super::numbers`] then clamps or drops with a warning.
//! - Nesting is bounded by a limit of ours ([`MAX_NESTING`]), well above what the guard cuts
//!   schemas at, so a too-deep schema leaves out one operation instead of refusing the spec.
//!   serde_yaml stops at 128 levels of its own accord; a YAML text it refuses for that alone
//!   is read again from a pure-Rust parser's events ([`super::yaml_events`]), by the same
//!   rules and under the same budget, so YAML too is read up to [`MAX_NESTING`].

use crate::diagnostics::{Diagnostics, Kind};
use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_yaml::{Mapping, Number, Value};
use std::cell::Cell;
use std::fmt;

/// Containers nested deeper than this refuse the document, YAML or JSON. (YAML past
/// serde_yaml's 128 levels is read by [`super::yaml_events`]; its flow collections, `[…]` and
/// `{…}`, nest up to 255 levels, that parser's own limit.)
pub const MAX_NESTING: usize = 1000;

/// What one node costs against the budget, on top of the bytes of its text.
const NODE_COST: usize = 8;

/// The budget of a document: a fixed multiple of its length, plus room for small documents.
pub(super) fn budget_for(text: &str) -> usize {
    text.len().saturating_mul(8).saturating_add(1 << 20)
}

/// Parses `text` (JSON when it starts with `{` and is valid JSON, else YAML) into a tree
/// whose mapping keys are all strings. `file` names the text in diagnostics.
pub fn parse(text: &str, file: &str, diags: &mut Diagnostics) -> Option<Value> {
    let budget = Budget::new(budget_for(text));
    if text.trim_start().starts_with('{') {
        match parse_json(text, &budget) {
            Ok(value) => return Some(value),
            // Valid JSON over one of our limits: YAML would only say the same less clearly.
            Err(err) if err.classify() == serde_json::error::Category::Data => {
                let at = format!("{file} (line {}, column {})", err.line(), err.column());
                diags.error(Kind::Syntax, at, format!("not valid YAML or JSON: {err}"));
                return None;
            }
            // Not strict JSON (comments, trailing commas…): YAML may still read it.
            Err(_) => budget.refill(budget_for(text)),
        }
    }
    let err = match Node::new(&budget).deserialize(serde_yaml::Deserializer::from_str(text)) {
        Ok(value) => return Some(value),
        // serde_yaml's fixed limit of 128 levels, and nothing else: read again, deeper.
        Err(err) if err.to_string().starts_with("recursion limit exceeded") => {
            budget.refill(budget_for(text));
            return match super::yaml_events::read(text, &budget) {
                Ok(value) => Some(value),
                Err(failure) => {
                    let at = format!("{file} (line {}, column {})", failure.line, failure.column);
                    let hint = if failure.message == "recursion limit exceeded" {
                        " (YAML flow collections, `[…]` and `{…}`, nest up to 255 levels, the YAML reader's own limit; block collections and JSON are read up to 1,000)"
                    } else {
                        ""
                    };
                    diags.error(
                        Kind::Syntax,
                        at,
                        format!("not valid YAML or JSON: {failure}{hint}"),
                    );
                    None
                }
            };
        }
        Err(err) => err,
    };
    let at = match err.location() {
        Some(loc) => format!("{file} (line {}, column {})", loc.line(), loc.column()),
        None => file.to_owned(),
    };
    diags.error(Kind::Syntax, at, format!("not valid YAML or JSON: {err}"));
    None
}

/// serde_yaml's path alone, its error as text (for comparing with [`super::yaml_events`]).
#[cfg(test)]
pub(super) fn serde_path(text: &str, budget: &Budget) -> Result<Value, String> {
    Node::new(budget)
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| e.to_string())
}

fn parse_json(text: &str, budget: &Budget) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Our own limit (MAX_NESTING) applies instead of serde_json's 128.
    de.disable_recursion_limit();
    let value = Node::new(budget).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// What is left to spend, and how deep the visitor is.
pub(super) struct Budget {
    left: Cell<usize>,
    depth: Cell<usize>,
}

impl Budget {
    pub(super) fn new(units: usize) -> Budget {
        Budget {
            left: Cell::new(units),
            depth: Cell::new(0),
        }
    }

    fn refill(&self, units: usize) {
        self.left.set(units);
        self.depth.set(0);
    }

    pub(super) fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let cost = NODE_COST.saturating_add(bytes);
        match self.left.get().checked_sub(cost) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "the document expands to far more than its text (YAML aliases?): refused, as loading it would cost time and memory out of proportion to its size",
            )),
        }
    }

    pub(super) fn enter<E: de::Error>(&self) -> Result<(), E> {
        let depth = self.depth.get() + 1;
        if depth > MAX_NESTING {
            return Err(E::custom(format!(
                "the document is nested deeper than {MAX_NESTING} levels"
            )));
        }
        self.depth.set(depth);
        Ok(())
    }

    pub(super) fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}

/// Builds one node of the tree.
#[derive(Clone, Copy)]
struct Node<'b> {
    budget: &'b Budget,
}

impl<'b> Node<'b> {
    fn new(budget: &'b Budget) -> Node<'b> {
        Node { budget }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Number(v.into()))
    }

    /// Beyond 64 bits: kept as the nearest float (a bound that large is clamped later).
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(small) => self.visit_i64(small),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(small) => self.visit_u64(small),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Number(Number::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.charge(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.budget.charge(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.charge(0)?;
        self.budget.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        self.budget.leave();
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.charge(0)?;
        self.budget.enter()?;
        let mut out = Mapping::new();
        while let Some(key) = map.next_key_seed(self)? {
            let key = key_text(key);
            let value = map.next_value_seed(self)?;
            if let Some(name) = key.as_str().filter(|_| out.contains_key(&key)) {
                return Err(de::Error::custom(format!("duplicate key `{name}`")));
            }
            out.insert(key, value);
        }
        self.budget.leave();
        Ok(Value::Mapping(out))
    }

    /// A YAML tag (`!Thing value`): OpenAPI uses none, so the value is kept and the tag dropped.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

/// YAML allows `200:` or `true:` as keys; OpenAPI's are strings.
pub(super) fn key_text(key: Value) -> Value {
    match key {
        Value::Number(n) => Value::from(n.to_string()),
        Value::Bool(b) => Value::from(b.to_string()),
        Value::Null => Value::from("null"),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Result<Value, String> {
        let mut diags = Diagnostics::default();
        parse(text, "spec.yaml", &mut diags).ok_or_else(|| {
            let first = diags.items().first().cloned();
            first
                .map(|d| format!("{} @ {}", d.message, d.pointer))
                .unwrap_or_default()
        })
    }

    #[test]
    fn integers_beyond_64_bits_load_as_floats_in_yaml_and_json() {
        let yaml = tree("a: -9223372036854776000\nb: 18446744073709552000\nc: 7\n").unwrap();
        assert_eq!(yaml["a"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(yaml["b"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(yaml["c"].as_i64(), Some(7));
        let json = tree(r#"{"a": 18446744073709552000, "b": 3}"#).unwrap();
        assert_eq!(json["a"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(json["b"].as_u64(), Some(3));
    }

    #[test]
    fn keys_become_strings_and_tags_are_dropped() {
        let doc = tree("200: {x: !Thing 5}\ntrue: 1\n").unwrap();
        assert_eq!(doc["200"]["x"].as_i64(), Some(5));
        assert_eq!(doc["true"].as_i64(), Some(1));
    }

    #[test]
    fn an_alias_bomb_after_ordinary_text_is_refused_by_the_budget() {
        let mut text = String::from("info: {title: t}\n");
        for i in 0..2000 {
            text.push_str(&format!("k{i}: plain text of an ordinary document\n"));
        }
        text.push_str("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let err = tree(&text).unwrap_err();
        assert!(err.contains("expands to far more than its text"), "{err}");
        assert!(err.contains("spec.yaml (line "), "{err}");
    }

    #[test]
    fn ordinary_aliases_load() {
        let doc = tree("a: &x {type: string}\nb: *x\n").unwrap();
        assert_eq!(doc["b"]["type"].as_str(), Some("string"));
    }

    #[test]
    fn nesting_is_bounded_by_our_limit_not_the_parsers() {
        // The generator reads on a thread with a large stack (lib.rs); so does this test.
        let run = || {
            let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
            assert!(tree(&format!("{{\"a\": {}}}", deep(300))).is_ok());
            let err = tree(&format!("{{\"a\": {}}}", deep(MAX_NESTING + 10))).unwrap_err();
            assert!(err.contains("nested deeper than 1000 levels"), "{err}");
            assert!(err.contains("spec.yaml (line 1, column"), "{err}");
        };
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = tree("a: 1\na: 2\n").unwrap_err();
        assert!(err.contains("duplicate"), "{err}");
    }
}
