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
    /// A fault of kv-codegen itself, not of the spec: the generator stopped unexpectedly, or
    /// produced tokens that are not Rust. Never expected; the tests assert it never appears,
    /// and a user who meets one has found a bug to report (with the spec).
    Internal,
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
pub(crate) struct Mark(usize);

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
    pub(crate) fn mark(&self) -> Mark {
        Mark(self.errors.len())
    }

    /// The first error recorded since `mark`, repeats of earlier ones included.
    pub(crate) fn first_error_since(&self, mark: Mark) -> Option<&Diagnostic> {
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
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `token` to `pointer` as one escaped reference token.
pub(crate) fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// Appends an array index to `pointer`.
pub(crate) fn join_index(pointer: &str, index: usize) -> String {
    format!("{pointer}/{index}")
}

/// Renders every diagnostic, one block each, with a closing count line.
///
/// A problem that left operations out is shown once, at its cause, with those operations
/// listed under it (a typo in a schema that seven operations use is one error, not eight).
/// The count line counts causes, then the operations left out.
pub fn render(items: &[Diagnostic]) -> String {
    let grouped = group_left_out(items);
    let repeats = repeated_warnings(items);
    let mut out = String::new();
    let mut errors = 0;
    for (index, (item, operations)) in items.iter().zip(&grouped).enumerate() {
        let Some(operations) = operations else {
            continue; // listed under its cause
        };
        let Some(places) = repeats.get(index) else {
            continue;
        };
        let Some(places) = places else {
            continue; // listed under its first occurrence
        };
        out.push_str(&item.to_string());
        out.push('\n');
        for place in places {
            out.push_str(&format!("  --> {place}\n"));
        }
        if !operations.is_empty() {
            out.push_str("  = left out because of it:\n");
        }
        for operation in operations {
            out.push_str(&format!(
                "    operation `{}` at {}\n",
                operation.id, operation.pointer
            ));
        }
        errors += usize::from(item.severity == Severity::Error);
    }
    let left_out = items.iter().filter(|d| is_left_out(d)).count();
    let warnings = items.len()
        - items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
    out.push_str(&format!("{errors} error(s), {warnings} warning(s)"));
    if left_out > 0 {
        out.push_str(&format!("; {left_out} operation(s) left out"));
    }
    out.push('\n');
    out
}

/// For each diagnostic: `None` when it is a warning whose message an earlier warning has
/// (listed there), else the other places that share its message. A document that copies a
/// schema under many names repeats its warnings; each is said once, with every place.
fn repeated_warnings(items: &[Diagnostic]) -> Vec<Option<Vec<&str>>> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut places: Vec<Option<Vec<&str>>> = items.iter().map(|_| Some(Vec::new())).collect();
    for (index, item) in items.iter().enumerate() {
        if item.severity != Severity::Warning {
            continue;
        }
        match first.get(item.message.as_str()) {
            Some(&at) => {
                if let Some(Some(list)) = places.get_mut(at) {
                    list.push(item.pointer.as_str());
                }
                if let Some(slot) = places.get_mut(index) {
                    *slot = None;
                }
            }
            None => {
                first.insert(item.message.as_str(), index);
            }
        }
    }
    places
}

/// An operation listed under the problem that left it out.
struct LeftOutOperation<'a> {
    id: &'a str,
    pointer: &'a str,
}

/// For each diagnostic: `None` when it is an "operation … is left out" error listed under
/// its cause, else the operations to list under it (often none). A left-out error whose
/// cause is not among `items` stays on its own.
fn group_left_out(items: &[Diagnostic]) -> Vec<Option<Vec<LeftOutOperation<'_>>>> {
    let causes: HashMap<(&str, &str), usize> = items
        .iter()
        .enumerate()
        .filter(|(_, d)| d.severity == Severity::Error)
        .map(|(index, d)| ((d.pointer.as_str(), d.message.as_str()), index))
        .collect();
    let mut grouped: Vec<Option<Vec<LeftOutOperation<'_>>>> =
        items.iter().map(|_| Some(Vec::new())).collect();
    for (index, item) in items.iter().enumerate() {
        let Some((id, cause)) = left_out_cause(item) else {
            continue;
        };
        let Some(&cause_index) = causes.get(&cause) else {
            continue;
        };
        let operation = LeftOutOperation {
            id,
            pointer: &item.pointer,
        };
        if let Some(Some(list)) = grouped.get_mut(cause_index) {
            list.push(operation);
        }
        if let Some(slot) = grouped.get_mut(index) {
            *slot = None;
        }
    }
    grouped
}

/// True for the error lowering writes for an operation it leaves out.
fn is_left_out(item: &Diagnostic) -> bool {
    item.severity == Severity::Error
        && item
            .message
            .strip_prefix("operation `")
            .is_some_and(|rest| rest.contains("` is left out: "))
}

/// The operation id and the cause `(pointer, message)` of an error lowering writes as
/// "operation `ID` is left out: [it uses `TYPE`: ]MESSAGE (at POINTER)".
fn left_out_cause(item: &Diagnostic) -> Option<(&str, (&str, &str))> {
    if item.severity != Severity::Error {
        return None;
    }
    let rest = item.message.strip_prefix("operation `")?;
    let (id, reason) = rest.split_once("` is left out: ")?;
    let (message, pointer) = reason.strip_suffix(')')?.rsplit_once(" (at ")?;
    let message = match message.strip_prefix("it uses `") {
        Some(used) => used.split_once("`: ").map_or(message, |(_, m)| m),
        None => message,
    };
    Some((id, (pointer, message)))
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

    #[test]
    fn operations_left_out_are_listed_under_their_cause() {
        let mut d = Diagnostics::default();
        d.error(
            Kind::Reference,
            "#/components/schemas/a/properties/x",
            "points nowhere",
        );
        d.error(
            Kind::Unsupported,
            "#/paths/~1p/get/parameters/0",
            "cookie parameter",
        );
        for (id, op) in [("get-a", "#/paths/~1a/get"), ("put-a", "#/paths/~1a/put")] {
            let message = format!(
                "operation `{id}` is left out: it uses `a`: points nowhere (at #/components/schemas/a/properties/x)"
            );
            d.error(Kind::Unsupported, op, message);
        }
        let own =
            "operation `get-p` is left out: cookie parameter (at #/paths/~1p/get/parameters/0)";
        d.error(Kind::Unsupported, "#/paths/~1p/get", own);
        let orphan = "operation `x` is left out: its path template cannot be read";
        d.error(Kind::Unsupported, "#/paths/~1x/get", orphan);
        assert_eq!(
            render(d.items()),
            "error: points nowhere\n  --> #/components/schemas/a/properties/x\n  = left out because of it:\n    operation `get-a` at #/paths/~1a/get\n    operation `put-a` at #/paths/~1a/put\n\
             error: cookie parameter\n  --> #/paths/~1p/get/parameters/0\n  = left out because of it:\n    operation `get-p` at #/paths/~1p/get\n\
             error: operation `x` is left out: its path template cannot be read\n  --> #/paths/~1x/get\n\
             3 error(s), 0 warning(s); 4 operation(s) left out\n"
        );
    }
}
