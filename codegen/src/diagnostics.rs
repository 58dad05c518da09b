//! Problems found in a specification, as data: where (a JSON pointer), what kind, what rule.
//!
//! Every phase pushes into one [`Diagnostics`] collector instead of returning early, so a user
//! sees all problems of a spec in one run; the driver stops between phases when any is an error.

use std::collections::HashMap;
use std::fmt;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Generation goes on; the construct was handled in a documented, weaker way.
    Warning,
    /// Generation stops after the current phase.
    Error,
}

/// What rule a problem broke, for callers that match on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The text is not YAML or JSON, or not an OpenAPI document.
    Syntax,
    /// An OpenAPI version other than 3.0.x.
    Version,
    /// A `$ref` that points nowhere, or outside this document.
    Reference,
    /// A construct the generator does not support.
    Unsupported,
    /// A construct that contradicts itself or the OpenAPI rules.
    Invalid,
    /// A keyword that has no effect where it stands.
    Ignored,
}

/// One problem, located by a JSON pointer into the specification.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The rule that was broken.
    pub kind: Kind,
    /// A JSON pointer (`#/paths/~1accounts…/put`) to the offending node.
    pub pointer: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{label}: {}\n  --> {}", self.message, self.pointer)
    }
}

/// The collector every phase writes into.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Every error recorded, repeats included, as an index into `items`: a construct shared by
    /// several operations (a path-level parameter) is reported once but fails each of them.
    errors: Vec<usize>,
    /// Where each distinct problem sits in `items`, so that a repeat is found in constant time.
    index: HashMap<Diagnostic, usize>,
}

/// A point in the sequence of errors, to ask what was recorded since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark(usize);

impl Diagnostics {
    /// Records an error.
    pub fn error(&mut self, kind: Kind, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, kind, pointer.into(), message.into());
    }

    /// Rewrites the pointers `relocated` has another name for (a part of the document
    /// copied from another file is named by that file and the pointer inside it).
    pub fn relocate(&mut self, relocated: impl Fn(&str) -> Option<String>) {
        let mut moved = false;
        for item in &mut self.items {
            if let Some(pointer) = relocated(&item.pointer) {
                item.pointer = pointer;
                moved = true;
            }
        }
        if moved {
            self.index = self
                .items
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, d)| (d, i))
                .collect();
        }
    }

    /// Records a warning.
    pub fn warn(&mut self, kind: Kind, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, kind, pointer.into(), message.into());
    }

    fn push(&mut self, severity: Severity, kind: Kind, pointer: String, message: String) {
        let item = Diagnostic {
            severity,
            kind,
            pointer,
            message,
        };
        // The same schema can be reached along several paths; report each problem once.
        let index = match self.index.get(&item) {
            Some(index) => *index,
            None => {
                let index = self.items.len();
                self.index.insert(item.clone(), index);
                self.items.push(item);
                index
            }
        };
        if severity == Severity::Error {
            self.errors.push(index);
        }
    }

    /// The present point in the sequence of errors.
    pub fn mark(&self) -> Mark {
        Mark(self.errors.len())
    }

    /// The first error recorded since `mark`, repeats of earlier ones included.
    pub fn first_error_since(&self, mark: Mark) -> Option<&Diagnostic> {
        let index = self.errors.get(mark.0)?;
        self.items.get(*index)
    }

    /// True when at least one error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every problem, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Consumes the collector.
    pub fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `token` to `pointer` as one escaped reference token.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// Appends an array index to `pointer`.
pub fn join_index(pointer: &str, index: usize) -> String {
    format!("{pointer}/{index}")
}

/// Renders every diagnostic, one block each, with a closing count line.
pub fn render(items: &[Diagnostic]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(&item.to_string());
        out.push('\n');
    }
    let errors = items
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = items.len() - errors;
    out.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(join("#/paths", "/a/{b}~c"), "#/paths/~1a~1{b}~0c");
        assert_eq!(join_index("#/x", 3), "#/x/3");
    }

    #[test]
    fn duplicates_are_reported_once() {
        let mut d = Diagnostics::default();
        d.error(Kind::Invalid, "#/a", "bad");
        d.error(Kind::Invalid, "#/a", "bad");
        d.warn(Kind::Ignored, "#/b", "meh");
        assert_eq!(d.items().len(), 2);
        assert!(d.has_errors());
        let mark = d.mark();
        assert_eq!(d.first_error_since(mark), None);
        d.error(Kind::Invalid, "#/a", "bad");
        assert_eq!(d.items().len(), 2);
        assert_eq!(
            d.first_error_since(mark).map(|e| e.pointer.as_str()),
            Some("#/a")
        );
        assert_eq!(
            render(d.items()),
            "error: bad\n  --> #/a\nwarning: meh\n  --> #/b\n1 error(s), 1 warning(s)\n"
        );
    }
}
