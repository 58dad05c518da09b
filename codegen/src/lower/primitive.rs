//! Shapes of strings, numbers, integers and arrays.

use super::schema::Shape;
use super::{Ctx, Lowerer};
use crate::diagnostics::{join, Kind};
use crate::model::{Constraint, Enum, EnumVariant, IntWidth, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use openapiv3::{
    ArrayType, IntegerFormat, IntegerType, NumberType, StringFormat, StringType,
    VariantOrUnknownOrEmpty,
};

impl Lowerer<'_> {
    /// `type: string`: an enum, binary data, or text with constraints.
    pub(crate) fn string_shape(
        &mut self,
        s: &StringType,
        extensions: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        if !s.enumeration.is_empty() {
            return self.enum_shape(&s.enumeration, ctx);
        }
        let base = match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
            _ => TypeRef::String,
        };
        // Standard keywords first, then the `x-kv-*` ones: errors name the familiar rule first.
        let mut extra = Vec::new();
        if let Some(n) = s.min_length {
            extra.push(Constraint::MinChars(n as u64));
        }
        if let Some(n) = s.max_length {
            extra.push(Constraint::MaxChars(n as u64));
        }
        if let Some(p) = &s.pattern {
            if self.pattern_ok(p, ctx) {
                extra.push(Constraint::Pattern(p.clone()));
            }
        }
        extra.extend(extensions);
        self.constrained(base, extra, ctx)
    }

    /// Checks that a `pattern` compiles, so that the generated code never meets a bad one.
    /// ECMA-262 features the `regex` crate lacks (look-around, backreferences) make the
    /// pattern unenforced, with a warning; anything else that does not parse is an error.
    pub(crate) fn pattern_ok(&mut self, pattern: &str, ctx: &Ctx) -> bool {
        let Err(err) = regex::Regex::new(pattern) else {
            return true;
        };
        let at = join(&ctx.pointer, "pattern");
        match ecma_only_feature(pattern) {
            Some(feature) => {
                let message = format!("`pattern` uses {feature}, which kv-codegen cannot check (ECMA-262 has it, the `regex` crate does not); it is not enforced");
                self.diags.warn(Kind::Ignored, at, message);
            }
            None => {
                let message =
                    format!("`pattern` is not a regular expression kv-codegen can check: {err}");
                self.diags.error(Kind::Invalid, at, message);
            }
        }
        false
    }

    /// A string enumeration; `null` among the values is nullability, handled by the caller.
    /// A value said twice is one variant (a warning names the repeat): two would be two
    /// match arms for one string, the second unreachable.
    pub(crate) fn enum_shape(&mut self, values: &[Option<String>], ctx: &Ctx) -> Shape {
        let mut scope = Scope::default();
        scope.claim("Other"); // the variant that keeps unknown values
        let mut seen = std::collections::HashSet::new();
        let mut variants = Vec::new();
        for wire in values.iter().flatten() {
            if !seen.insert(wire.as_str()) {
                self.repeated_enum_value(wire, ctx);
                continue;
            }
            variants.push(EnumVariant {
                name: scope.claim(&variant_name(wire)),
                wire: wire.clone(),
            });
        }
        Shape::Def(TypeKind::Enum(Enum { variants }))
    }

    /// The schema's pointer, not the value's: the values of a `oneOf` of enums are merged.
    fn repeated_enum_value(&mut self, wire: &str, ctx: &Ctx) {
        let message =
            format!("the enum value {wire:?} is listed more than once; it is one variant");
        self.diags.warn(Kind::Ignored, ctx.pointer.clone(), message);
    }

    /// `type: integer`: i32 or i64, with bounds.
    pub(crate) fn integer_shape(
        &mut self,
        i: &IntegerType,
        mut extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let width = match &i.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => IntWidth::I32,
            _ => IntWidth::I64,
        };
        if let Some(min) = i.minimum {
            extra.push(Constraint::Minimum {
                bound: min as f64,
                exclusive: i.exclusive_minimum,
            });
        }
        if let Some(max) = i.maximum {
            extra.push(Constraint::Maximum {
                bound: max as f64,
                exclusive: i.exclusive_maximum,
            });
        }
        self.ignored_numeric(!i.enumeration.is_empty(), i.multiple_of.is_some(), ctx);
        self.constrained(TypeRef::Integer(width), extra, ctx)
    }

    /// `type: number`: f64, with bounds.
    pub(crate) fn number_shape(
        &mut self,
        n: &NumberType,
        mut extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        if let Some(min) = n.minimum {
            extra.push(Constraint::Minimum {
                bound: min,
                exclusive: n.exclusive_minimum,
            });
        }
        if let Some(max) = n.maximum {
            extra.push(Constraint::Maximum {
                bound: max,
                exclusive: n.exclusive_maximum,
            });
        }
        self.ignored_numeric(!n.enumeration.is_empty(), n.multiple_of.is_some(), ctx);
        self.constrained(TypeRef::Number, extra, ctx)
    }

    /// `type: boolean`. An `enum` that admits one value only (`[true]`) is a rule a `bool`
    /// cannot hold: any boolean is accepted, and a warning says so.
    pub(crate) fn boolean_shape(
        &mut self,
        b: &openapiv3::BooleanType,
        extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let both = b.enumeration.contains(&Some(true)) && b.enumeration.contains(&Some(false));
        if !(b.enumeration.is_empty() || both) {
            let message =
                "a boolean `enum` that leaves out a value is not enforced; any boolean is accepted";
            self.diags
                .warn(Kind::Ignored, join(&ctx.pointer, "enum"), message);
        }
        self.constrained(TypeRef::Boolean, extra, ctx)
    }

    /// Numeric `enum` and `multipleOf` are not enforced; say so rather than drop them silently.
    fn ignored_numeric(&mut self, has_enum: bool, has_multiple: bool, ctx: &Ctx) {
        if has_enum {
            self.diags.warn(
                Kind::Ignored,
                join(&ctx.pointer, "enum"),
                "numeric `enum` is not enforced; the values are accepted as plain numbers",
            );
        }
        if has_multiple {
            self.diags.warn(
                Kind::Ignored,
                join(&ctx.pointer, "multipleOf"),
                "`multipleOf` is not enforced",
            );
        }
    }

    /// `type: array`: a list, with item-count bounds.
    pub(crate) fn array_shape(
        &mut self,
        a: &ArrayType,
        mut extra: Vec<Constraint>,
        ctx: &Ctx,
    ) -> Shape {
        let item_ctx = ctx.child("items", "Item", &ctx.wire);
        let item = match &a.items {
            Some(items) => self.lower_boxed(items, &item_ctx),
            None => TypeRef::Json,
        };
        if let Some(n) = a.min_items {
            extra.push(Constraint::MinItems(n as u64));
        }
        if let Some(n) = a.max_items {
            extra.push(Constraint::MaxItems(n as u64));
        }
        self.constrained(TypeRef::Array(Box::new(item)), extra, ctx)
    }
}

/// The variant name for an enum value; values with no letters or digits get a spelled-out name.
fn variant_name(wire: &str) -> String {
    let name = naming::type_name(wire);
    if name == "Unnamed" {
        if wire.is_empty() {
            "Empty".to_owned()
        } else {
            "Symbol".to_owned()
        }
    } else {
        name
    }
}

/// The ECMA-262 feature in `pattern` that the `regex` crate does not have, if any.
fn ecma_only_feature(pattern: &str) -> Option<&'static str> {
    if pattern.contains("(?=") || pattern.contains("(?!") {
        return Some("look-ahead");
    }
    if pattern.contains("(?<=") || pattern.contains("(?<!") {
        return Some("look-behind");
    }
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('1'..='9') => return Some("a backreference"),
                Some('k') if chars.as_str().starts_with('<') => return Some("a backreference"),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::ecma_only_feature;

    #[test]
    fn ecma_only_features_are_recognised() {
        assert_eq!(ecma_only_feature("^(?!-)[a-z]+$"), Some("look-ahead"));
        assert_eq!(ecma_only_feature("(?=x)"), Some("look-ahead"));
        assert_eq!(ecma_only_feature("a(?<!-)$"), Some("look-behind"));
        assert_eq!(ecma_only_feature("(?<=a)b"), Some("look-behind"));
        assert_eq!(ecma_only_feature(r"^(a+)\1$"), Some("a backreference"));
        assert_eq!(ecma_only_feature(r"(?<n>a)\k<n>"), Some("a backreference"));
        assert_eq!(ecma_only_feature(r"^\\1$"), None);
        assert_eq!(ecma_only_feature("(unclosed"), None);
        assert_eq!(ecma_only_feature(r"^\d{3}$"), None);
    }
}
