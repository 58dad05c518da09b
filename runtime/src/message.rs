//! One item of an envelope's `errors` or `messages`, read whatever its shape and kept
//! bounded. A leaf: the error type holds these, the envelope reader makes them.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

/// How long each text of a shown item may be in an error's text.
const SHOWN_TEXT_BYTES: usize = 200;
/// What an item's text says when some of it was not Unicode.
const REPLACED_NOTE: &str = " (text that was not Unicode replaced with U+FFFD)";

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
    /// Some of this item's text was not Unicode (a lone surrogate escape such as `\udc80`)
    /// and was replaced with U+FFFD; the other items are read as they came.
    pub replaced: bool,
}

impl ApiMessage {
    /// The longest `message`, `documentation_url` or `pointer` kept, in bytes; a longer
    /// one is cut on a character boundary and ends with `…`.
    pub const MAX_TEXT_BYTES: usize = 1024;

    /// Reads one item, whatever its shape.
    pub(crate) fn from_value(value: &Value) -> Self {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(bounded);
        let code = value.get("code").and_then(|c| {
            c.as_i64()
                .or_else(|| c.as_f64().and_then(whole_code))
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        });
        let message = match value {
            Value::String(s) => bounded(s),
            _ => text("message").unwrap_or_else(|| bounded_json(value)),
        };
        let pointer = value
            .get("source")
            .and_then(|s| s.get("pointer"))
            .and_then(Value::as_str)
            .map(bounded);
        Self {
            code: code.unwrap_or(0),
            message,
            documentation_url: text("documentation_url"),
            pointer,
            replaced: false,
        }
    }

    /// Reads one item from its JSON text; text that is not Unicode is replaced and said so.
    /// `None` only if even the repaired text does not parse (it was checked as JSON).
    pub(crate) fn from_raw(raw: &str) -> Option<Self> {
        if let Ok(value) = serde_json::from_str::<Value>(raw) {
            return Some(Self::from_value(&value));
        }
        let repaired = crate::unicode::replace_lone_surrogates(raw)?;
        let value = serde_json::from_str::<Value>(&repaired).ok()?;
        Some(Self {
            replaced: true,
            ..Self::from_value(&value)
        })
    }

    /// The item as an error's text shows it: like `Display`, each text cut to
    /// [`SHOWN_TEXT_BYTES`].
    pub(crate) fn summary(&self) -> String {
        let mut text = format!("{} {}", self.code, cut(&self.message, SHOWN_TEXT_BYTES));
        if let Some(pointer) = &self.pointer {
            text.push_str(&format!(" (at {})", cut(pointer, SHOWN_TEXT_BYTES)));
        }
        if let Some(url) = &self.documentation_url {
            text.push_str(&format!(" (see {})", cut(url, SHOWN_TEXT_BYTES)));
        }
        if self.replaced {
            text.push_str(REPLACED_NOTE);
        }
        text
    }
}

/// A code written as a float (`10009.0`), read by the rule of [`crate::de::Lenient`]: rounded
/// down, `None` beyond `i64`.
fn whole_code(code: f64) -> Option<i64> {
    let floor = code.floor();
    // 2^63 is exact in f64; a floor in range casts exactly.
    (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0)
        .contains(&floor)
        .then_some(floor as i64)
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        if let Some(url) = &self.documentation_url {
            write!(f, " (see {url})")?;
        }
        if self.replaced {
            f.write_str(REPLACED_NOTE)?;
        }
        Ok(())
    }
}

/// `text` in at most `max` bytes: whole if it fits, else cut on a character boundary and
/// ended with `…` (within the `max`).
pub(crate) fn cut(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", text.get(..end).unwrap_or_default()))
}

pub(crate) fn bounded(text: &str) -> String {
    cut(text, ApiMessage::MAX_TEXT_BYTES).into_owned()
}

/// `value` as JSON text in at most [`ApiMessage::MAX_TEXT_BYTES`], without serializing
/// more of a large value than that.
fn bounded_json(value: &Value) -> String {
    /// Keeps the first bytes written and refuses the rest, which stops the serializer.
    struct Prefix(Vec<u8>);
    impl std::io::Write for Prefix {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = (ApiMessage::MAX_TEXT_BYTES + 1).saturating_sub(self.0.len());
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let taken = buf.get(..room).unwrap_or(buf);
            self.0.extend_from_slice(taken);
            Ok(taken.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut prefix = Prefix(Vec::new());
    // A full prefix is the expected way for a large value to end; the bytes are kept.
    let _ = serde_json::to_writer(&mut prefix, value);
    bounded(&String::from_utf8_lossy(&prefix.0))
}
