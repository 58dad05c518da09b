//! A response body read as it arrives: a 25 MiB value never sits in memory whole unless the
//! caller collects it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::Sleep;

use crate::error::{Error, ErrorKind};
use crate::raw::StreamedResponse;

/// How long a stream may go without delivering a byte before it fails with
/// [`ErrorKind::Timeout`], unless changed with [`ByteStream::idle_timeout`].
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// The body of an answer as a [`Stream`] of chunks. A server that stops sending for longer
/// than the idle timeout ends the stream with a [`ErrorKind::Timeout`] error; after any
/// error the stream ends.
pub struct ByteStream {
    chunks: Chunks,
    content_length: Option<u64>,
    idle: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
    done: bool,
}

impl ByteStream {
    /// A stream over a body still on the connection.
    pub(crate) fn open(response: StreamedResponse) -> Self {
        let content_length = response.content_length();
        Self::from_chunks(Box::pin(response.into_stream()), content_length)
    }

    /// A stream over bytes already read.
    pub(crate) fn buffered(bytes: Bytes) -> Self {
        let len = u64::try_from(bytes.len()).ok();
        let chunks = futures_util::stream::once(async move { Ok(bytes) });
        Self::from_chunks(Box::pin(chunks), len)
    }

    fn from_chunks(chunks: Chunks, content_length: Option<u64>) -> Self {
        Self {
            chunks,
            content_length,
            idle: DEFAULT_IDLE_TIMEOUT,
            sleep: None,
            done: false,
        }
    }

    /// The body's length, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Fails the stream when no byte arrives for `idle` (default [`DEFAULT_IDLE_TIMEOUT`]).
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self.sleep = None;
        self
    }

    /// Reads the whole body into one buffer, refusing (and stopping the read) once it
    /// passes `limit` bytes. The buffer is sized from `Content-Length` when that is within
    /// the limit, so the bytes are copied once.
    pub async fn to_bytes(mut self, limit: usize) -> Result<Bytes, Error> {
        let announced = self
            .content_length
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n <= limit);
        let mut buffer = BytesMut::with_capacity(announced.unwrap_or(0));
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if buffer.len().saturating_add(chunk.len()) > limit {
                return Err(too_large(limit));
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok(buffer.freeze())
    }

    /// Writes the body to `writer` as it arrives (a file, say) and returns how many bytes
    /// were written; memory stays at one chunk.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64, Error> {
        let mut written = 0u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await?;
            written = written.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        }
        writer.flush().await?;
        Ok(written)
    }

    /// The error for a server that went quiet: the idle timer ran out.
    fn idle_expired(&mut self, cx: &mut Context<'_>) -> bool {
        let idle = self.idle;
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
        sleep.as_mut().poll(cx).is_ready()
    }
}

fn too_large(limit: usize) -> Error {
    Error::new(
        ErrorKind::ResponseTooLarge,
        format!("the body is longer than the {limit} bytes allowed; the read was stopped"),
    )
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.chunks.as_mut().poll_next(cx) {
            Poll::Ready(item) => {
                self.sleep = None;
                self.done = !matches!(item, Some(Ok(_)));
                Poll::Ready(item)
            }
            Poll::Pending if self.idle_expired(cx) => {
                self.done = true;
                let idle = self.idle;
                let message = format!("no data for {idle:?} while reading the body");
                Poll::Ready(Some(Err(Error::new(ErrorKind::Timeout, message))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.content_length)
            .field("idle_timeout", &self.idle)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(chunks: Vec<Result<Bytes, Error>>, len: Option<u64>) -> ByteStream {
        ByteStream::from_chunks(Box::pin(futures_util::stream::iter(chunks)), len)
    }

    #[tokio::test]
    async fn to_bytes_joins_chunks_and_stops_past_the_limit() {
        let parts = || vec![Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"cd"))];
        assert_eq!(of(parts(), Some(4)).to_bytes(4).await.unwrap(), "abcd");
        let error = of(parts(), None).to_bytes(3).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
        assert_eq!(
            error.to_string(),
            "the body is longer than the 3 bytes allowed; the read was stopped"
        );
    }

    #[tokio::test]
    async fn the_stream_ends_after_an_error() {
        let failing = vec![
            Ok(Bytes::from_static(b"a")),
            Err(Error::new(ErrorKind::Network, "reset")),
            Ok(Bytes::from_static(b"never")),
        ];
        let items: Vec<_> = of(failing, None).collect::<Vec<_>>().await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].as_ref().unwrap_err().kind(), ErrorKind::Network);
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_server_times_out() {
        let quiet = ByteStream::from_chunks(Box::pin(futures_util::stream::pending()), None)
            .idle_timeout(Duration::from_secs(5));
        let error = quiet.to_bytes(10).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout);
        assert_eq!(error.to_string(), "no data for 5s while reading the body");
    }

    #[tokio::test]
    async fn write_to_counts_what_it_wrote() {
        let mut out = Vec::new();
        let parts = vec![Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"c"))];
        assert_eq!(of(parts, None).write_to(&mut out).await.unwrap(), 3);
        assert_eq!(out, b"abc");
    }
}
