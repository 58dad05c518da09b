//! Constraint checks that generated code runs before any I/O.
//!
//! Each function checks one rule of the specification and returns a [`ConstraintError`]
//! naming the field, the rule and the actual size. Responses are never checked: the server
//! is the judge of what it sends back.

use std::fmt;
use std::sync::OnceLock;

use crate::encode::format_f64;

/// The rule a value broke.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// At most this many characters (Unicode scalar values).
    MaxChars(u64),
    /// At least this many characters.
    MinChars(u64),
    /// At most this many bytes.
    MaxBytes(u64),
    /// At least this many bytes.
    MinBytes(u64),
    /// At most this many bytes of binary data.
    MaxSize(u64),
    /// At least this many bytes of binary data.
    MinSize(u64),
    /// At least (or, if exclusive, more than) this number.
    Minimum {
        /// The bound.
        bound: f64,
        /// Whether the bound itself is refused.
        exclusive: bool,
    },
    /// At most (or, if exclusive, less than) this number.
    Maximum {
        /// The bound.
        bound: f64,
        /// Whether the bound itself is refused.
        exclusive: bool,
    },
    /// Must match this regular expression.
    Pattern(&'static str),
    /// The specification's regular expression does not compile.
    InvalidPattern {
        /// The pattern as written in the specification.
        pattern: &'static str,
        /// Why it does not compile.
        reason: String,
    },
    /// Must not be any of these values.
    Forbidden(Vec<String>),
    /// Must serialize to at most this many bytes of JSON.
    MaxJsonBytes(u64),
    /// At least this many items.
    MinItems(u64),
    /// At most this many items.
    MaxItems(u64),
    /// Text that must parse as the named kind of value.
    Parse {
        /// What the text should have been, e.g. `a whole number`.
        expected: &'static str,
        /// Why it did not parse.
        reason: String,
    },
}

/// What the value actually was, in the unit of the rule it broke.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Actual {
    /// A length in characters.
    Chars(u64),
    /// A length in bytes.
    Bytes(u64),
    /// A number.
    Number(f64),
    /// A count of items.
    Items(u64),
    /// The value itself (only for values that are short and safe to show).
    Text(String),
    /// Nothing worth showing.
    Unknown,
}

/// A value broke a constraint of the API. Nothing was sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstraintError {
    field: &'static str,
    rule: Rule,
    actual: Actual,
}

impl ConstraintError {
    /// An error for `field` breaking `rule`, with the value's actual size.
    pub fn new(field: &'static str, rule: Rule, actual: Actual) -> Self {
        Self {
            field,
            rule,
            actual,
        }
    }

    /// Text that does not parse as the `expected` kind of value (used by `FromStr`).
    pub fn parse(field: &'static str, expected: &'static str, reason: impl fmt::Display) -> Self {
        let reason = reason.to_string();
        Self::new(field, Rule::Parse { expected, reason }, Actual::Unknown)
    }

    /// The same error about another field: a type's check names the type, and the operation
    /// renames it after the parameter it was passed as.
    #[must_use]
    pub fn at(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }

    /// The field that broke the rule.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The rule it broke.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// What the value actually was.
    pub fn actual(&self) -> &Actual {
        &self.actual
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.field)?;
        let actual = &self.actual;
        match &self.rule {
            Rule::MaxChars(n) => write!(
                f,
                "must be at most {}, got {actual}",
                count(*n, "character")
            ),
            Rule::MinChars(n) => write!(
                f,
                "must be at least {}, got {actual}",
                count(*n, "character")
            ),
            Rule::MaxBytes(n) => write!(
                f,
                "must be at most {} of UTF-8, got {actual}",
                count(*n, "byte")
            ),
            Rule::MinBytes(n) => write!(
                f,
                "must be at least {} of UTF-8, got {actual}",
                count(*n, "byte")
            ),
            Rule::MaxSize(n) => write!(f, "must be at most {}, got {actual}", count(*n, "byte")),
            Rule::MinSize(n) => write!(f, "must be at least {}, got {actual}", count(*n, "byte")),
            Rule::Minimum { bound, exclusive } => {
                let words = if *exclusive {
                    "greater than"
                } else {
                    "at least"
                };
                write!(f, "must be {words} {}, got {actual}", format_f64(*bound))
            }
            Rule::Maximum { bound, exclusive } => {
                let words = if *exclusive { "less than" } else { "at most" };
                write!(f, "must be {words} {}, got {actual}", format_f64(*bound))
            }
            Rule::Pattern(p) => write!(
                f,
                "must match the pattern `{p}`, got a value of {actual} that does not"
            ),
            Rule::InvalidPattern { pattern, reason } => {
                write!(
                    f,
                    "the pattern `{pattern}` is not a valid regular expression: {reason}"
                )
            }
            Rule::Forbidden(values) => {
                write!(f, "must not be {}, got {actual}", quoted_list(values))
            }
            Rule::MaxJsonBytes(n) => write!(
                f,
                "must serialize to at most {} of JSON, got {actual}",
                count(*n, "byte")
            ),
            Rule::MinItems(n) => {
                write!(f, "must have at least {}, got {actual}", count(*n, "item"))
            }
            Rule::MaxItems(n) => write!(f, "must have at most {}, got {actual}", count(*n, "item")),
            Rule::Parse { expected, reason } => write!(f, "must be {expected}: {reason}"),
        }
    }
}

impl fmt::Display for Actual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actual::Chars(n) => f.write_str(&count(*n, "character")),
            Actual::Bytes(n) => f.write_str(&count(*n, "byte")),
            Actual::Number(v) => f.write_str(&format_f64(*v)),
            Actual::Items(n) => f.write_str(&count(*n, "item")),
            Actual::Text(t) => write!(f, "{t:?}"),
            Actual::Unknown => f.write_str("something else"),
        }
    }
}

impl std::error::Error for ConstraintError {}

/// `n` followed by `unit`, plural unless `n` is 1.
fn count(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
fn quoted_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "one of no values".to_owned(),
    }
}

fn u64_len(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// `value` has at most `n` characters.
pub fn max_chars(field: &'static str, value: &str, n: u64) -> Result<(), ConstraintError> {
    // A string never has more characters than bytes, so short strings need no count.
    if u64_len(value.len()) <= n {
        return Ok(());
    }
    let chars = u64_len(value.chars().count());
    check(chars <= n, field, Rule::MaxChars(n), Actual::Chars(chars))
}

/// `value` has at least `n` characters.
pub fn min_chars(field: &'static str, value: &str, n: u64) -> Result<(), ConstraintError> {
    let chars = u64_len(value.chars().count());
    check(chars >= n, field, Rule::MinChars(n), Actual::Chars(chars))
}

/// A value of `len` bytes has at most `n` bytes.
pub fn max_bytes(field: &'static str, len: u64, n: u64) -> Result<(), ConstraintError> {
    check(len <= n, field, Rule::MaxBytes(n), Actual::Bytes(len))
}

/// A value of `len` bytes has at least `n` bytes.
pub fn min_bytes(field: &'static str, len: u64, n: u64) -> Result<(), ConstraintError> {
    check(len >= n, field, Rule::MinBytes(n), Actual::Bytes(len))
}

/// Binary data of `len` bytes has at most `n` bytes.
pub fn max_size(field: &'static str, len: u64, n: u64) -> Result<(), ConstraintError> {
    check(len <= n, field, Rule::MaxSize(n), Actual::Bytes(len))
}

/// Binary data of `len` bytes has at least `n` bytes.
pub fn min_size(field: &'static str, len: u64, n: u64) -> Result<(), ConstraintError> {
    check(len >= n, field, Rule::MinSize(n), Actual::Bytes(len))
}

/// `value` is at least `bound` (more than `bound` if `exclusive`).
pub fn minimum(
    field: &'static str,
    value: f64,
    bound: f64,
    exclusive: bool,
) -> Result<(), ConstraintError> {
    let ok = if exclusive {
        value > bound
    } else {
        value >= bound
    };
    check(
        ok,
        field,
        Rule::Minimum { bound, exclusive },
        Actual::Number(value),
    )
}

/// `value` is at most `bound` (less than `bound` if `exclusive`).
pub fn maximum(
    field: &'static str,
    value: f64,
    bound: f64,
    exclusive: bool,
) -> Result<(), ConstraintError> {
    let ok = if exclusive {
        value < bound
    } else {
        value <= bound
    };
    check(
        ok,
        field,
        Rule::Maximum { bound, exclusive },
        Actual::Number(value),
    )
}

/// `value` matches `pattern` anywhere (OpenAPI patterns are not implicitly anchored).
pub fn pattern(field: &'static str, value: &str, pattern: &Pattern) -> Result<(), ConstraintError> {
    match pattern.compiled() {
        Ok(regex) => {
            let chars = u64_len(value.chars().count());
            check(
                regex.is_match(value),
                field,
                Rule::Pattern(pattern.source),
                Actual::Chars(chars),
            )
        }
        Err(reason) => {
            let rule = Rule::InvalidPattern {
                pattern: pattern.source,
                reason: reason.clone(),
            };
            Err(ConstraintError::new(field, rule, Actual::Unknown))
        }
    }
}

/// `value` is none of `forbidden`.
pub fn forbidden(
    field: &'static str,
    value: &str,
    forbidden: &[&str],
) -> Result<(), ConstraintError> {
    if !forbidden.contains(&value) {
        return Ok(());
    }
    let rule = Rule::Forbidden(forbidden.iter().map(|v| (*v).to_owned()).collect());
    // The value is one of the forbidden ones, so it is short and safe to show.
    Err(ConstraintError::new(
        field,
        rule,
        Actual::Text(value.to_owned()),
    ))
}

/// `value`, serialized compactly, takes at most `n` bytes (any JSON value, object, map or list).
pub fn max_json_bytes<T: serde::Serialize + ?Sized>(
    field: &'static str,
    value: &T,
    n: u64,
) -> Result<(), ConstraintError> {
    let mut counter = ByteCounter(0);
    // The writer cannot fail; a value whose `Serialize` fails is reported, not unwrapped.
    let len = match serde_json::to_writer(&mut counter, value) {
        Ok(()) => counter.0,
        Err(e) => return Err(ConstraintError::parse(field, "serializable JSON", e)),
    };
    check(len <= n, field, Rule::MaxJsonBytes(n), Actual::Bytes(len))
}

/// A collection of `len` items has at least `n`.
pub fn min_items(field: &'static str, len: u64, n: u64) -> Result<(), ConstraintError> {
    check(len >= n, field, Rule::MinItems(n), Actual::Items(len))
}

/// A collection of `len` items has at most `n`.
pub fn max_items(field: &'static str, len: u64, n: u64) -> Result<(), ConstraintError> {
    check(len <= n, field, Rule::MaxItems(n), Actual::Items(len))
}

fn check(ok: bool, field: &'static str, rule: Rule, actual: Actual) -> Result<(), ConstraintError> {
    if ok {
        Ok(())
    } else {
        Err(ConstraintError::new(field, rule, actual))
    }
}

/// Counts serialized bytes without keeping them.
struct ByteCounter(u64);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(u64_len(buf.len()));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A regular expression from the specification, compiled on first use.
///
/// `const`, so generated code can keep one in a `static`. A pattern that does not compile
/// makes every check fail with [`Rule::InvalidPattern`]; it never panics.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Result<regex::Regex, String>>,
}

impl Pattern {
    /// A pattern that compiles `source` the first time it is used.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written in the specification.
    pub fn as_str(&self) -> &'static str {
        self.source
    }

    fn compiled(&self) -> &Result<regex::Regex, String> {
        self.compiled
            .get_or_init(|| regex::Regex::new(self.source).map_err(|e| e.to_string()))
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static HEX: Pattern = Pattern::new("^[0-9a-f]{4}$");
    static BROKEN: Pattern = Pattern::new("(");

    fn text(r: Result<(), ConstraintError>) -> String {
        r.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn messages_name_field_rule_and_size() {
        assert_eq!(
            text(max_bytes("key_name", 513, 512)),
            "key_name: must be at most 512 bytes of UTF-8, got 513 bytes"
        );
        assert_eq!(
            text(min_bytes("key_name", 0, 1)),
            "key_name: must be at least 1 byte of UTF-8, got 0 bytes"
        );
        assert_eq!(
            text(max_chars("account_id", &"a".repeat(33), 32)),
            "account_id: must be at most 32 characters, got 33 characters"
        );
        assert_eq!(
            text(max_size("value", 26_214_401, 26_214_400)),
            "value: must be at most 26214400 bytes, got 26214401 bytes"
        );
        assert_eq!(
            text(min_size("blob", 0, 1)),
            "blob: must be at least 1 byte, got 0 bytes"
        );
        assert_eq!(
            text(min_chars("key_name", "", 1)),
            "key_name: must be at least 1 character, got 0 characters"
        );
        assert_eq!(
            text(minimum("expiration_ttl", 59.0, 60.0, false)),
            "expiration_ttl: must be at least 60, got 59"
        );
        assert_eq!(
            text(minimum("x", 60.0, 60.0, true)),
            "x: must be greater than 60, got 60"
        );
        assert_eq!(
            text(maximum("x", 2.5, 2.0, false)),
            "x: must be at most 2, got 2.5"
        );
        assert_eq!(
            text(maximum("x", 2.0, 2.0, true)),
            "x: must be less than 2, got 2"
        );
        assert_eq!(
            text(forbidden("key_name", "..", &[".", ".."])),
            r#"key_name: must not be "." or "..", got "..""#
        );
        assert_eq!(
            text(min_items("x", 0, 1)),
            "x: must have at least 1 item, got 0 items"
        );
        assert_eq!(
            text(max_items("x", 3, 2)),
            "x: must have at most 2 items, got 3 items"
        );
    }

    #[test]
    fn limits_are_inclusive() {
        assert!(max_bytes("k", 512, 512).is_ok());
        assert!(min_bytes("k", 1, 1).is_ok());
        assert!(minimum("t", 60.0, 60.0, false).is_ok());
        assert!(maximum("t", 60.0, 60.0, false).is_ok());
        assert!(max_chars("a", "üüü", 3).is_ok());
        assert!(max_chars("a", "üüüü", 3).is_err());
        assert!(forbidden("k", "...", &[".", ".."]).is_ok());
    }

    #[test]
    fn json_size_is_the_compact_serialization() {
        let value = serde_json::json!({"a": "b"});
        assert!(max_json_bytes("metadata", &value, 9).is_ok());
        assert_eq!(
            text(max_json_bytes("metadata", &value, 8)),
            "metadata: must serialize to at most 8 bytes of JSON, got 9 bytes"
        );
    }

    #[test]
    fn patterns_compile_lazily_and_never_panic() {
        assert!(pattern("id", "0a1b", &HEX).is_ok());
        assert_eq!(
            text(pattern("id", "xyz", &HEX)),
            "id: must match the pattern `^[0-9a-f]{4}$`, got a value of 3 characters that does not"
        );
        let broken = text(pattern("id", "x", &BROKEN));
        assert!(
            broken.starts_with("id: the pattern `(` is not a valid regular expression: "),
            "{broken}"
        );
    }

    #[test]
    fn at_renames_the_field() {
        let err = max_bytes("value", 2, 1).err().map(|e| e.at("other"));
        assert_eq!(err.map(|e| e.field()), Some("other"));
        assert_eq!(
            ConstraintError::parse(
                "expiration_ttl",
                "a whole number",
                "invalid digit found in string"
            )
            .to_string(),
            "expiration_ttl: must be a whole number: invalid digit found in string"
        );
    }
}
