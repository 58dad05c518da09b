//! A string that never shows itself: credentials live in this type so that no `Debug`,
//! `Display` or log line can print them by accident.

use std::fmt;

/// A secret string (an API token or key). Its `Debug` prints `<redacted>`; it has no
/// `Display`, so it cannot be formatted into a message.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that puts it on the wire.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
