//! All naming in one place: wire names → Rust identifiers, keywords, leading digits, collisions.
//!
//! Every identifier the emitter builds comes from here, so the rules (and their tests) live
//! in one file. Outputs always satisfy `[A-Za-z_][A-Za-z0-9_]*`, optionally with an `r#`
//! prefix, which is what `proc_macro2::Ident` requires.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{HashMap, HashSet};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NO_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated code uses unqualified; a schema may not take them.
const RESERVED_TYPES: &[&str] = &[
    "Box",
    "Client",
    "ClientBuilderExt",
    "Err",
    "None",
    "Ok",
    "Option",
    "Result",
    "Self",
    "Some",
    "String",
    "Vec",
];

/// A type, enum variant or struct name: `UpperCamelCase`.
pub fn type_name(raw: &str) -> String {
    // Sanitizing can drop a non-ASCII capital; capitalize again so the lint stays quiet.
    let name = capitalize(&sanitize(&raw.to_upper_camel_case()));
    if name.is_empty() {
        "Unnamed".to_owned()
    } else if starts_with_digit(&name) {
        format!("T{name}")
    } else {
        // `Self` stays: it is a fine part of a longer name, and a [`Scope`] never hands it out.
        name
    }
}

/// A field, parameter, method or module name: `snake_case`, keywords made usable.
pub fn field_name(raw: &str) -> String {
    let name = sanitize(&raw.to_snake_case());
    let name = if name.is_empty() {
        "value".to_owned()
    } else {
        name
    };
    let name = if starts_with_digit(&name) {
        format!("_{name}")
    } else {
        name
    };
    if NO_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_OK.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// A constant name: `SHOUTY_SNAKE_CASE`.
#[cfg(test)]
pub fn const_name(raw: &str) -> String {
    use heck::ToShoutySnakeCase;
    let name = sanitize(&raw.to_shouty_snake_case());
    if name.is_empty() || starts_with_digit(&name) {
        format!("C_{name}")
    } else {
        name
    }
}

/// The name without a raw-identifier prefix, for builder setters and messages.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Keeps ASCII letters, digits and underscores; heck already split words on the rest.
fn sanitize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn starts_with_digit(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// A namespace in which every claimed name is unique; collisions get `2`, `3`, … in claim order.
/// The keywords that cannot be raw identifiers (`Self`, `self`, …) count as taken, so that a
/// name claimed whole (a type, an enum variant) is always an identifier: `Self` → `Self2`.
///
/// Claiming costs O(1) amortised however many names collide: each base name remembers the
/// first suffix not yet known to be taken, so a thousand claims of `Value` do not each walk
/// past `Value2` … `Value999` again. Names are only ever added, so every suffix below that
/// mark stays taken and the answer is the first free one, as a walk from `2` would find.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    used: HashSet<String>,
    /// For each base name that collided, the suffix to try first on its next collision.
    next: HashMap<String, u64>,
    /// Candidates looked at, over the scope's life: what the linearity tests count.
    probes: u64,
}

impl Scope {
    /// A scope for type names, with the names generated code uses unqualified taken.
    pub fn for_types() -> Self {
        let used = RESERVED_TYPES.iter().map(|s| (*s).to_owned()).collect();
        Self {
            used,
            ..Self::default()
        }
    }

    /// Claims `name`, or the first free `name2`, `name3`, ….
    pub fn claim(&mut self, name: &str) -> String {
        self.probes += 1;
        if !self.taken(name) {
            self.used.insert(name.to_owned());
            return name.to_owned();
        }
        // `r#type2` is an ordinary identifier and needs no prefix.
        let bare = name.strip_prefix("r#").unwrap_or(name);
        let mut n = self.next.get(name).copied().unwrap_or(2);
        let mut candidate = format!("{bare}{n}");
        while self.used.contains(&candidate) {
            self.probes += 1;
            n += 1;
            candidate = format!("{bare}{n}");
        }
        self.probes += 1;
        self.next.insert(name.to_owned(), n + 1);
        self.used.insert(candidate.clone());
        candidate
    }

    /// True when `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Claimed already, or a keyword no identifier may be.
    fn taken(&self, name: &str) -> bool {
        self.used.contains(name) || NO_RAW.contains(&name)
    }

    /// How many candidate names [`Scope::claim`] has looked at so far (a cost measure).
    pub fn probes(&self) -> u64 {
        self.probes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn types_are_upper_camel() {
        assert_eq!(type_name("workers-kv_key_name"), "WorkersKvKeyName");
        assert_eq!(type_name("success_envelope"), "SuccessEnvelope");
        assert_eq!(type_name("200-response"), "T200Response");
        assert_eq!(type_name("list a namespace's keys"), "ListANamespaceSKeys");
        assert_eq!(type_name("!!!"), "Unnamed");
        assert_eq!(type_name("ünïcode"), "Ncode");
    }

    #[test]
    fn fields_are_snake_and_keywords_are_usable() {
        assert_eq!(field_name("withMetadata"), "with_metadata");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("async"), "r#async");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("super"), "super_");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(field_name("documentation_url"), "documentation_url");
        assert_eq!(field_name("X-Auth-Email"), "x_auth_email");
        assert_eq!(field_name(""), "value");
        assert_eq!(field_name("_"), "value");
    }

    #[test]
    fn every_raw_keyword_becomes_a_raw_identifier() {
        for kw in RAW_OK {
            assert_eq!(field_name(kw), format!("r#{kw}"));
        }
    }

    #[test]
    fn consts_are_shouty() {
        assert_eq!(const_name("update-value"), "UPDATE_VALUE");
        assert_eq!(const_name("1x"), "C_1X");
    }

    #[test]
    fn collisions_get_numbered_in_claim_order() {
        let mut scope = Scope::for_types();
        assert_eq!(scope.claim("Value"), "Value");
        assert_eq!(scope.claim("Value"), "Value2");
        assert_eq!(scope.claim("Value"), "Value3");
        assert_eq!(scope.claim("Result"), "Result2");
        assert_eq!(scope.claim("Client"), "Client2");
        let mut fields = Scope::default();
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("r#type"), "type2");
    }

    #[test]
    fn keywords_are_never_claimed_whole() {
        assert_eq!(type_name("self"), "Self");
        assert_eq!(type_name("super"), "Super");
        assert_eq!(type_name("_"), "Unnamed");
        assert_eq!(type_name("r#type"), "RType");
        let mut variants = Scope::default();
        assert_eq!(variants.claim(&type_name("self")), "Self2");
        assert_eq!(variants.claim(&type_name("Self")), "Self3");
        assert_eq!(variants.claim("self"), "self2");
        assert_eq!(variants.claim("_"), "_2");
    }

    /// Claims as a walk from `2` answers them, the rule the memo must keep.
    fn naive(used: &mut BTreeSet<String>, name: &str) -> String {
        let bare = name.strip_prefix("r#").unwrap_or(name);
        let mut candidate = name.to_owned();
        let mut n = 2;
        while used.contains(&candidate) || NO_RAW.contains(&candidate.as_str()) {
            candidate = format!("{bare}{n}");
            n += 1;
        }
        used.insert(candidate.clone());
        candidate
    }

    #[test]
    fn memoised_claims_answer_as_a_walk_from_two_would() {
        let names = [
            "a", "a2", "a", "a3", "a", "a", "a22", "a2", "a2", "a", "r#a", "r#a", "a5", "a", "b1",
            "b", "b", "b1", "b", "b11", "b1", "b12", "b1", "Self", "Self", "Self2",
        ];
        let mut scope = Scope::default();
        let mut used = BTreeSet::new();
        for name in names {
            assert_eq!(scope.claim(name), naive(&mut used, name), "claiming {name}");
        }
    }

    /// Linear, counted in probes rather than time: N claims of one name (what N CJK enum
    /// values or N repeated values become) look at fewer than 3·N candidates, and so do N
    /// claims mixing a base with the very names its suffixes produce.
    #[test]
    fn colliding_claims_cost_linear_probes() {
        for n in [1_000u64, 10_000, 100_000] {
            let mut scope = Scope::default();
            for _ in 0..n {
                scope.claim("Symbol");
            }
            assert!(
                scope.probes() <= 2 * n,
                "{n} claims: {} probes",
                scope.probes()
            );
            let mut scope = Scope::default();
            for i in 0..n {
                scope.claim("a");
                scope.claim(&format!("a{}", i + 2));
                scope.claim("a2");
            }
            assert!(
                scope.probes() <= 3 * 3 * n,
                "{n}: {} probes",
                scope.probes()
            );
        }
    }

    #[test]
    fn unraw_strips_the_prefix() {
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("value"), "value");
    }
}
