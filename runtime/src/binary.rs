//! Bytes to send: in memory, streamed from a file, or streamed once from a reader.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::ReaderStream;

use crate::error::{Error, ErrorKind};

/// How much of a streamed source is read at a time: large enough for few system calls,
/// small enough that a 25 MiB upload never holds more than a few chunks.
const CHUNK: usize = 64 * 1024;

/// A body or a body part, with its length known before it is sent.
///
/// Cheap to clone (clones share the bytes, the path or the reader). `Debug` shows the
/// length and the source, never the content.
#[derive(Clone)]
pub struct Binary {
    source: Source,
}

#[derive(Clone)]
enum Source {
    Memory(Bytes),
    File { path: Arc<PathBuf>, len: u64 },
    Reader(Arc<OneShot>),
}

/// A reader that can be taken exactly once, by the first attempt that sends it.
struct OneShot {
    len: u64,
    reader: Mutex<Option<Pin<Box<dyn AsyncRead + Send + Sync>>>>,
}

impl OneShot {
    fn take(&self) -> Option<Pin<Box<dyn AsyncRead + Send + Sync>>> {
        // A poisoned lock only means another thread panicked while holding it; the slot
        // is still a plain Option, so carry on instead of panicking too.
        let mut slot = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        slot.take()
    }

    fn is_taken(&self) -> bool {
        self.reader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }
}

impl Binary {
    /// Bytes streamed from the file at `path`, re-opened for every attempt. The length is
    /// the file's length now; if the file changes size before it is sent, sending fails.
    pub async fn from_file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let metadata = tokio::fs::metadata(&path).await?;
        if !metadata.is_file() {
            let message = format!("{} is not a regular file", path.display());
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                message,
            ));
        }
        let len = metadata.len();
        Ok(Self {
            source: Source::File {
                path: Arc::new(path),
                len,
            },
        })
    }

    /// Exactly `len` bytes streamed from `reader`. It can be sent once: if a retry is needed
    /// after that, the call fails with [`ErrorKind::BodyNotReplayable`].
    pub fn from_reader(reader: impl AsyncRead + Send + Sync + 'static, len: u64) -> Self {
        let reader: Pin<Box<dyn AsyncRead + Send + Sync>> = Box::pin(reader);
        Self {
            source: Source::Reader(Arc::new(OneShot {
                len,
                reader: Mutex::new(Some(reader)),
            })),
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> u64 {
        match &self.source {
            Source::Memory(bytes) => u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            Source::File { len, .. } => *len,
            Source::Reader(one_shot) => one_shot.len,
        }
    }

    /// Whether the length is zero.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, if they are in memory.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.source {
            Source::Memory(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Whether it can be sent (again): always, unless it is a reader that was already sent.
    pub fn is_replayable(&self) -> bool {
        match &self.source {
            Source::Reader(one_shot) => !one_shot.is_taken(),
            _ => true,
        }
    }

    /// A fresh HTTP body for one attempt, and its length.
    pub(crate) async fn open(&self) -> Result<(reqwest::Body, u64), Error> {
        match &self.source {
            Source::Memory(bytes) => Ok((reqwest::Body::from(bytes.clone()), self.len())),
            Source::File { path, len } => open_file(path, *len).await.map(|body| (body, *len)),
            Source::Reader(one_shot) => match one_shot.take() {
                Some(reader) => Ok((stream(reader.take(one_shot.len)), one_shot.len)),
                None => Err(Error::new(
                    ErrorKind::BodyNotReplayable,
                    "the body came from a one-shot reader (Binary::from_reader) that was already sent",
                )),
            },
        }
    }
}

/// Opens `path` and checks it still has `len` bytes, so a changed file is a clear error
/// rather than a truncated upload.
async fn open_file(path: &Path, len: u64) -> Result<reqwest::Body, Error> {
    let io_error = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!("could not read {}: {e}", path.display()),
        )
    };
    let file = tokio::fs::File::open(path).await.map_err(io_error)?;
    let now = file.metadata().await.map_err(io_error)?.len();
    if now != len {
        let text = format!(
            "{} changed size from {len} to {now} bytes since Binary::from_file",
            path.display()
        );
        return Err(Error::new(ErrorKind::Io, text));
    }
    Ok(stream(file.take(len)))
}

fn stream(reader: impl AsyncRead + Send + Sync + 'static) -> reqwest::Body {
    reqwest::Body::wrap_stream(ReaderStream::with_capacity(reader, CHUNK))
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Memory(_) => "memory",
            Source::File { .. } => "file",
            Source::Reader(_) => "reader",
        };
        f.debug_struct("Binary")
            .field("len", &self.len())
            .field("source", &source)
            .finish()
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Self {
            source: Source::Memory(bytes),
        }
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for Binary {
    /// The text's UTF-8 bytes, as they are (never JSON-quoted).
    fn from(text: String) -> Self {
        Bytes::from(text.into_bytes()).into()
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Bytes::copy_from_slice(bytes).into()
    }
}

impl From<&Vec<u8>> for Binary {
    fn from(bytes: &Vec<u8>) -> Self {
        bytes.as_slice().into()
    }
}

impl From<&Bytes> for Binary {
    /// Shares the bytes (no copy).
    fn from(bytes: &Bytes) -> Self {
        bytes.clone().into()
    }
}

impl From<Cow<'_, [u8]>> for Binary {
    fn from(bytes: Cow<'_, [u8]>) -> Self {
        bytes.into_owned().into()
    }
}

impl From<&str> for Binary {
    /// The text's UTF-8 bytes, as they are (never JSON-quoted).
    fn from(text: &str) -> Self {
        text.as_bytes().into()
    }
}

impl From<&String> for Binary {
    /// The text's UTF-8 bytes, as they are (never JSON-quoted).
    fn from(text: &String) -> Self {
        text.as_str().into()
    }
}

impl From<Cow<'_, str>> for Binary {
    /// The text's UTF-8 bytes, as they are (never JSON-quoted).
    fn from(text: Cow<'_, str>) -> Self {
        text.into_owned().into()
    }
}

impl serde::Serialize for Binary {
    /// In-memory bytes as a string if they are UTF-8, else as bytes. A file or reader
    /// cannot be serialized without reading it, so that is an error.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.source {
            Source::Memory(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => serializer.serialize_str(text),
                Err(_) => serializer.serialize_bytes(bytes),
            },
            _ => Err(serde::ser::Error::custom(
                "a Binary streamed from a file or reader cannot be serialized",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    /// From a string (its UTF-8 bytes) or from bytes.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BinaryVisitor)
    }
}

struct BinaryVisitor;

impl serde::de::Visitor<'_> for BinaryVisitor {
    type Value = Binary;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or bytes")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Binary, E> {
        Ok(Binary::from(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Binary, E> {
        Ok(Binary::from(text))
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Binary, E> {
        Ok(Binary::from(bytes.to_vec()))
    }

    fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Binary, E> {
        Ok(Binary::from(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_length_not_content() {
        let binary = Binary::from("secret text");
        assert_eq!(
            format!("{binary:?}"),
            r#"Binary { len: 11, source: "memory" }"#
        );
    }

    #[test]
    fn serializes_text_as_string_and_reads_it_back() {
        let json = serde_json::to_string(&Binary::from("hi")).ok();
        assert_eq!(json.as_deref(), Some(r#""hi""#));
        let back: Option<Binary> = serde_json::from_str(r#""hé""#).ok();
        assert_eq!(
            back.and_then(|b| b.as_bytes().cloned()),
            Some(Bytes::from("hé"))
        );
        let raw = serde_json::to_string(&Binary::from(vec![0xff, 0])).ok();
        assert_eq!(raw.as_deref(), Some("[255,0]"));
        let reader = Binary::from_reader(&b""[..], 0);
        assert!(serde_json::to_string(&reader).is_err());
    }

    #[tokio::test]
    async fn a_reader_is_sent_once() {
        let reader = Binary::from_reader(&b"abc"[..], 3);
        assert!(reader.is_replayable());
        assert!(reader.open().await.is_ok());
        assert!(!reader.is_replayable());
        let again = reader.open().await.err().map(|e| e.kind());
        assert_eq!(again, Some(ErrorKind::BodyNotReplayable));
    }
}
