//! Doc comments from spec text: summary, description and notes, made safe for rustdoc.

use crate::model::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = …]` attributes for `docs`, or for `fallback` when the spec says nothing.
pub fn attrs(docs: &Docs, fallback: &str) -> TokenStream {
    lines_to_attrs(&lines(docs, fallback))
}

/// The lines of a doc comment, before they become attributes.
pub fn lines(docs: &Docs, fallback: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push_block = |out: &mut Vec<String>, text: &str| {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(sanitize(text));
    };
    if let Some(summary) = docs.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        push_block(&mut out, summary);
    }
    if let Some(description) = docs.description.as_deref().filter(|s| !s.trim().is_empty()) {
        let same = docs.summary.as_deref().map(str::trim) == Some(description.trim());
        if !same {
            push_block(&mut out, description);
        }
    }
    if out.is_empty() {
        push_block(&mut out, fallback);
    }
    for note in &docs.notes {
        push_block(&mut out, note);
    }
    out
}

/// Turns lines into attributes; a leading space makes prettyplease print `/// text`.
pub fn lines_to_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #text] }
    });
    quote! { #(#attrs)* }
}

/// Spec Markdown → rustdoc Markdown that neither warns nor runs as a doctest: fences without a
/// language become `text`, and indentation outside fences (an indented code block) is removed.
/// A lone carriage return (old Mac text) is a line break; other control characters and bidi
/// overrides are replaced ([`comment_safe`](crate::format::comment_safe)).
fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = crate::format::comment_safe(&text);
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            let opening = !in_fence;
            in_fence = !in_fence;
            out.push(if opening && lang.trim().is_empty() {
                "```text".to_owned()
            } else {
                trimmed.to_owned()
            });
        } else if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(trimmed.to_owned());
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // Collapse runs of blank lines: they carry no meaning in Markdown.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_get_a_language_and_indentation_goes() {
        let docs = Docs::described(Some("Intro\n\n    indented\n```\ncode\n```\n\n\n\nend"));
        assert_eq!(
            lines(&docs, "x"),
            vec!["Intro", "", "indented", "```text", "code", "```", "", "end"]
        );
    }

    #[test]
    fn control_and_bidi_characters_do_not_reach_a_comment() {
        let docs = Docs::described(Some("a\rb\r\nc\0d\u{202E}e\u{2066}f\tg\u{7}"));
        assert_eq!(
            lines(&docs, "x"),
            vec!["a", "b", "c\u{FFFD}d\u{FFFD}e\u{FFFD}f    g\u{FFFD}"]
        );
    }

    #[test]
    fn summary_equal_to_description_is_said_once() {
        let docs = Docs {
            summary: Some("Same".into()),
            description: Some("Same".into()),
            notes: vec!["Note.".into()],
        };
        assert_eq!(lines(&docs, "x"), vec!["Same", "", "Note."]);
    }

    #[test]
    fn fallback_when_silent_and_unclosed_fence_is_closed() {
        assert_eq!(lines(&Docs::default(), "Fallback."), vec!["Fallback."]);
        assert_eq!(
            lines(&Docs::described(Some("```rust\nx")), "f"),
            vec!["```rust", "x", "```"]
        );
    }
}
