//! Cloudflare's response envelope: `{"success", "errors", "messages", "result"}`.
//!
//! Read leniently: unknown fields are ignored and odd shapes (a string where an object was
//! expected, a code sent as text) are kept as well as they can be, never fatal.

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use crate::error::{kind_for_status, Error, ErrorKind};
use crate::response::RawResponse;

/// The longest body excerpt an error keeps.
const EXCERPT_BYTES: usize = 1024;

/// One item of an envelope's `errors` or `messages`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiMessage {
    /// The numeric code (0 if the server sent none).
    pub code: i64,
    /// What happened, in words.
    pub message: String,
    /// Where the condition is explained.
    pub documentation_url: Option<String>,
    /// `source.pointer`: a JSON pointer into the request.
    pub pointer: Option<String>,
}

impl ApiMessage {
    /// Reads one item, whatever its shape.
    fn from_value(value: &Value) -> Self {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let code = value.get("code").and_then(|c| {
            c.as_i64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        });
        let message = match value {
            Value::String(s) => s.clone(),
            _ => text("message").unwrap_or_else(|| value.to_string()),
        };
        let pointer = value
            .get("source")
            .and_then(|s| s.get("pointer"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        Self {
            code: code.unwrap_or(0),
            message,
            documentation_url: text("documentation_url"),
            pointer,
        }
    }
}

impl std::fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        if let Some(url) = &self.documentation_url {
            write!(f, " (see {url})")?;
        }
        Ok(())
    }
}

/// The envelope's bookkeeping fields, read from a parsed body.
pub(crate) struct Head {
    pub(crate) success: Option<bool>,
    pub(crate) errors: Vec<ApiMessage>,
    pub(crate) messages: Vec<ApiMessage>,
}

impl Head {
    /// The head of `value` if it looks like an envelope (an object with `success` or `errors`).
    pub(crate) fn of(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        if !object.contains_key("success") && !object.contains_key("errors") {
            return None;
        }
        Some(Self {
            success: object.get("success").and_then(Value::as_bool),
            errors: list(object.get("errors")),
            messages: list(object.get("messages")),
        })
    }
}

fn list(value: Option<&Value>) -> Vec<ApiMessage> {
    match value {
        Some(Value::Array(items)) => items.iter().map(ApiMessage::from_value).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![ApiMessage::from_value(other)],
    }
}

/// The error for an answer that was not a success: its status decides the kind; its
/// envelope, if it has one, supplies the details; otherwise an excerpt of the body does.
pub(crate) fn failure(raw: &RawResponse) -> Error {
    let kind = kind_for_status(raw.status);
    let head = serde_json::from_slice::<Value>(&raw.body)
        .ok()
        .and_then(|v| Head::of(&v));
    match head {
        Some(head) => api_error(kind, raw, head),
        None => body_error(kind, raw, "the body is not a JSON envelope"),
    }
}

/// An error built from an envelope's `errors`.
pub(crate) fn api_error(kind: ErrorKind, raw: &RawResponse, head: Head) -> Error {
    let mut text = format!("HTTP {}", raw.status);
    if head.errors.is_empty() {
        text.push_str(": no error details");
    }
    for (i, item) in head.errors.iter().enumerate() {
        text.push_str(if i == 0 { ": " } else { "; " });
        text.push_str(&item.to_string());
    }
    annotate(Error::new(kind, text), raw).with_envelope(head.errors, head.messages)
}

/// An error about a body that is empty or not what was expected; `why` says which.
pub(crate) fn body_error(kind: ErrorKind, raw: &RawResponse, why: &str) -> Error {
    if raw.body.is_empty() {
        return annotate(
            Error::new(kind, format!("HTTP {}: empty body", raw.status)),
            raw,
        );
    }
    let content_type = raw
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type");
    let excerpt = excerpt(&raw.body);
    let text = format!(
        "HTTP {}: {why} ({content_type}, {} bytes): {excerpt}",
        raw.status,
        raw.body.len()
    );
    annotate(Error::new(kind, text), raw).with_excerpt(excerpt)
}

fn annotate(error: Error, raw: &RawResponse) -> Error {
    let error = error.with_response(raw.status, raw.headers.clone());
    let error = if raw.operation.is_empty() {
        error
    } else {
        error.in_operation(raw.operation)
    };
    error.after_attempts(raw.attempts)
}

/// At most [`EXCERPT_BYTES`] of `body`, cut on a character boundary, as lossy UTF-8.
pub(crate) fn excerpt(body: &Bytes) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    let mut text = text.into_owned();
    // Cutting mid-character leaves a replacement character at the end; drop it so the
    // excerpt stays within the limit and does not invent a byte.
    if body.len() > EXCERPT_BYTES && text.ends_with('\u{FFFD}') {
        text.pop();
    }
    while text.len() > EXCERPT_BYTES {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_read_leniently() {
        let item = ApiMessage::from_value(&json!({"code": "10009", "message": "m", "extra": 1,
            "source": {"pointer": "/key"}, "documentation_url": "https://d"}));
        assert_eq!(item.code, 10009);
        assert_eq!(item.pointer.as_deref(), Some("/key"));
        assert_eq!(item.to_string(), "10009 m (at /key) (see https://d)");
        assert_eq!(ApiMessage::from_value(&json!("plain")).message, "plain");
        assert_eq!(
            ApiMessage::from_value(&json!({"code": 7})).message,
            r#"{"code":7}"#
        );
    }

    #[test]
    fn only_objects_with_success_or_errors_are_envelopes() {
        assert!(Head::of(&json!({"result": 1})).is_none());
        assert!(Head::of(&json!([1])).is_none());
        let head = Head::of(&json!({"success": false, "errors": null}));
        assert_eq!(
            head.map(|h| (h.success, h.errors.len())),
            Some((Some(false), 0))
        );
    }

    #[test]
    fn excerpts_are_bounded_on_char_boundaries() {
        let body = Bytes::from("ü".repeat(1000));
        let cut = excerpt(&body);
        assert!(cut.len() <= EXCERPT_BYTES);
        assert!(cut.chars().all(|c| c == 'ü'));
        assert_eq!(excerpt(&Bytes::from_static(b"<html>")), "<html>");
    }
}
