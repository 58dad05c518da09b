//! Cloudflare's response envelope: `{"success", "errors", "messages", "result"}`.
//!
//! Read leniently: unknown fields are ignored and odd shapes (a string where an object was
//! expected, a code sent as text, invalid UTF-8, a body cut short) are kept as well as they
//! can be, never fatal. Read boundedly: at most [`Error::MAX_ERRORS`] items per list, each
//! text at most [`ApiMessage::MAX_TEXT_BYTES`], and an error's text shows only the first
//! few items, each cut shorter still.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;
use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{kind_for_status, Error, ErrorKind};
use crate::message::{bounded, ApiMessage};
use crate::raw::{RawResponse, MAX_ERROR_BODY_BYTES};

/// The longest body excerpt an error keeps.
const EXCERPT_BYTES: usize = 1024;
/// How many items of `errors` an error's text shows (the rest are counted).
const SHOWN_ERRORS: usize = 3;

/// The envelope's bookkeeping fields, read from a body.
pub(crate) struct Head {
    pub(crate) success: Option<bool>,
    /// At most [`Error::MAX_ERRORS`] items.
    pub(crate) errors: Vec<ApiMessage>,
    /// How many items of `errors` were left out.
    pub(crate) omitted_errors: usize,
    /// At most [`Error::MAX_ERRORS`] items.
    pub(crate) messages: Vec<ApiMessage>,
    /// The body was cut at [`MAX_ERROR_BODY_BYTES`] before it ended.
    pub(crate) cut: bool,
}

impl Head {
    /// The head of `value` if it looks like an envelope (an object with `success` or
    /// `errors`): [`read`](Self::read) of its text, for tests that build values.
    #[cfg(test)]
    pub(crate) fn of(value: &Value) -> Option<Self> {
        Self::read(value.to_string().as_bytes(), false)
    }

    /// The head of an error body: decoded as lossy UTF-8, read in one pass that keeps what
    /// it found before any break (a body `cut` short, or damaged), item by item so that
    /// memory follows what is kept, not the body's size. `None` if no `success` or `errors`
    /// field came before the break.
    pub(crate) fn read(body: &[u8], cut: bool) -> Option<Self> {
        let text = String::from_utf8_lossy(body);
        let mut found = Found::default();
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        // A break ends the pass; what came before it is in `found`.
        let _ = deserializer.deserialize_map(Top(&mut found));
        if !found.envelope {
            return None;
        }
        Some(Self {
            success: found.success,
            omitted_errors: found.errors.omitted(),
            errors: found.errors.items,
            messages: found.messages.items,
            cut,
        })
    }
}

/// Items kept up to [`Error::MAX_ERRORS`], and how many there were.
#[derive(Default)]
struct Bounded {
    items: Vec<ApiMessage>,
    total: usize,
}

impl Bounded {
    fn is_full(&self) -> bool {
        self.items.len() >= Error::MAX_ERRORS
    }

    fn push(&mut self, value: &Value) {
        if !self.is_full() {
            self.items.push(ApiMessage::from_value(value));
        }
        self.total += 1;
    }

    /// Keeps the item whose JSON text is `raw`; an item that cannot be read even repaired
    /// is kept as its text.
    fn push_raw(&mut self, raw: &RawValue) {
        if !self.is_full() {
            let item = ApiMessage::from_raw(raw.get()).unwrap_or_else(|| ApiMessage {
                message: bounded(raw.get()),
                replaced: true,
                ..ApiMessage::default()
            });
            self.items.push(item);
        }
        self.total += 1;
    }

    fn omitted(&self) -> usize {
        self.total.saturating_sub(self.items.len())
    }
}

/// What one pass over an error body found so far.
#[derive(Default)]
struct Found {
    envelope: bool,
    success: Option<bool>,
    errors: Bounded,
    messages: Bounded,
}

/// The envelope object: `success`, `errors` and `messages` are read, the rest skipped.
struct Top<'a>(&'a mut Found);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "success" => {
                    self.0.envelope = true;
                    self.0.success = map.next_value::<Value>()?.as_bool();
                }
                "errors" => {
                    self.0.envelope = true;
                    map.next_value_seed(List(&mut self.0.errors))?;
                }
                "messages" => map.next_value_seed(List(&mut self.0.messages))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `errors` or `messages`: an array read one item at a time (items past the bound are
/// skipped unparsed and counted), `null`, or one item of any other shape. Each item of an
/// array is first taken as text and then decoded on its own, so one item whose text is not
/// Unicode (a lone surrogate escape) is repaired alone and the others are kept as they are.
struct List<'a>(&'a mut Bounded);

impl<'de> DeserializeSeed<'de> for List<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for List<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            if self.0.is_full() {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Ok(());
                }
                self.0.total += 1;
            } else {
                match seq.next_element::<&'de RawValue>()? {
                    Some(item) => self.0.push_raw(item),
                    None => return Ok(()),
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let item = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.0.push(&item);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.push(&Value::from(text));
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.0.push(&Value::from(value));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.0.push(&Value::from(value));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.0.push(&Value::from(value));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.0.push(&Value::from(value));
        Ok(())
    }
}

/// The error for an answer that was not a success: its status decides the kind; its
/// envelope, if it has one, supplies the details; otherwise an excerpt of the body does.
pub(crate) fn failure(raw: &RawResponse) -> Error {
    let kind = kind_for_status(raw.status);
    let limit = MAX_ERROR_BODY_BYTES;
    let body = raw.body.get(..limit).unwrap_or(&raw.body);
    match Head::read(body, raw.body.len() > limit) {
        Some(head) => api_error(kind, raw, head),
        None => body_error(kind, raw, crate::error::NOT_AN_ENVELOPE),
    }
}

/// An error built from an envelope's `errors`: the first [`SHOWN_ERRORS`] in its text,
/// all of them (up to [`Error::MAX_ERRORS`]) in [`Error::errors`].
pub(crate) fn api_error(kind: ErrorKind, raw: &RawResponse, head: Head) -> Error {
    let mut text = format!("HTTP {}", raw.status);
    if head.errors.is_empty() {
        text.push_str(": no error details");
    }
    for (i, item) in head.errors.iter().take(SHOWN_ERRORS).enumerate() {
        text.push_str(if i == 0 { ": " } else { "; " });
        text.push_str(&item.summary());
    }
    let more = head.errors.len().saturating_sub(SHOWN_ERRORS) + head.omitted_errors;
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    if head.cut {
        let limit = MAX_ERROR_BODY_BYTES;
        text.push_str(&format!(" (the body was cut after {limit} bytes)"));
    }
    let mut error = Error::new(kind, text);
    if head.cut && head.errors.is_empty() {
        error = error.with_excerpt(excerpt(&raw.body));
    }
    annotate(error, raw).with_envelope(head.errors, head.omitted_errors, head.messages)
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
    let limit = MAX_ERROR_BODY_BYTES;
    let size = if raw.status.is_success() || raw.body.len() <= limit {
        format!("{} bytes", raw.body.len())
    } else {
        format!("more than {limit} bytes")
    };
    let text = format!(
        "HTTP {}: {why} ({content_type}, {size}): {excerpt}",
        raw.status
    );
    annotate(Error::new(kind, text), raw).with_excerpt(excerpt)
}
fn annotate(error: Error, raw: &RawResponse) -> Error {
    let error = error
        .with_response(raw.status, raw.headers.clone())
        .with_body(raw.body.clone());
    let error = if raw.operation.is_empty() {
        error
    } else {
        error.in_operation(raw.operation)
    };
    error.after_attempts(raw.attempts)
}

/// At most [`EXCERPT_BYTES`] of `body`, cut on a character boundary, as lossy UTF-8.
pub(crate) fn excerpt(body: &Bytes) -> String {
    let text = String::from_utf8_lossy(body.get(..EXCERPT_BYTES).unwrap_or(body));
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
    use crate::message::cut;
    use serde_json::json;

    #[test]
    fn items_are_read_leniently() {
        let item = ApiMessage::from_value(&json!({"code": "10009", "message": "m", "extra": 1,
            "source": {"pointer": "/key"}, "documentation_url": "https://d"}));
        assert_eq!(item.code, 10009);
        assert_eq!(item.pointer.as_deref(), Some("/key"));
        assert_eq!(item.to_string(), "10009 m (at /key) (see https://d)");
        assert_eq!(ApiMessage::from_value(&json!("plain")).message, "plain");
        let code = |code: serde_json::Value| ApiMessage::from_value(&json!({"code": code})).code;
        assert_eq!(code(json!(10009.0)), 10009);
        assert_eq!(code(json!(10009.5)), 10009);
        assert_eq!(code(json!(1e300)), 0);
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

    #[test]
    fn texts_are_cut_on_char_boundaries_within_the_limit() {
        assert_eq!(cut("short", 10), "short");
        let long = "é".repeat(10);
        let shown = cut(&long, 8);
        assert_eq!(shown, "éé…");
        assert!(shown.len() <= 8);
        let item = ApiMessage::from_value(&json!({"code": 1, "message": "x".repeat(5000)}));
        assert_eq!(item.message.len(), ApiMessage::MAX_TEXT_BYTES);
        assert!(item.message.ends_with('…'));
        let nested = ApiMessage::from_value(&json!({"code": 1, "junk": vec![7; 10_000]}));
        assert_eq!(nested.message.len(), ApiMessage::MAX_TEXT_BYTES);
        assert!(nested.message.starts_with(r#"{"code":1,"junk":[7,7,"#));
    }

    #[test]
    fn lists_keep_a_bounded_number_and_count_the_rest() {
        let errors: Vec<Value> = (0..1500)
            .map(|i| json!({"code": i, "message": "m"}))
            .collect();
        let head = Head::of(&json!({"success": false, "errors": errors}));
        let head = head.map(|h| {
            (
                h.errors.len(),
                h.omitted_errors,
                h.errors.last().map(|e| e.code),
            )
        });
        assert_eq!(head, Some((Error::MAX_ERRORS, 500, Some(999))));
        let text = serde_json::to_string(
            &json!({"errors": (0..1500).map(|i| json!({"code": i})).collect::<Vec<_>>()}),
        );
        let head = Head::read(text.unwrap_or_default().as_bytes(), false);
        assert_eq!(
            head.map(|h| (h.errors.len(), h.omitted_errors)),
            Some((1000, 500))
        );
    }

    #[test]
    fn a_cut_or_damaged_body_keeps_the_items_before_the_break() {
        let body = br#"{"result":{"a":[1,2]},"success":false,"errors":[{"code":1,"message":"one"},"two",{"code":3,"mess"#;
        let head = Head::read(body, true);
        let codes = head.as_ref().map(|h| {
            h.errors
                .iter()
                .map(|e| (e.code, e.message.as_str()))
                .collect::<Vec<_>>()
        });
        assert_eq!(codes, Some(vec![(1, "one"), (0, "two")]));
        assert_eq!(head.map(|h| (h.success, h.cut)), Some((Some(false), true)));
        assert!(Head::read(br#"{"result":{"errors":[1]}, "x"#, true).is_none());
        assert!(Head::read(b"<html>", false).is_none());
    }

    #[test]
    fn invalid_utf8_still_yields_codes_and_messages() {
        let body = b"{\"success\":false,\"errors\":[{\"code\":10009,\"message\":\"key \xff\xfe not found\"}],\"messages\":\"note\"}";
        let head = Head::read(body, false);
        let first = head.as_ref().and_then(|h| h.errors.first().cloned());
        assert_eq!(
            first.map(|e| (e.code, e.message)),
            Some((10009, "key \u{FFFD}\u{FFFD} not found".to_owned()))
        );
        assert_eq!(head.map(|h| h.messages.len()), Some(1));
    }
}
