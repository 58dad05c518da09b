//! The API's documented limits, in one place.

/// Largest value the API stores: 25 MiB.
pub const MAX_VALUE_BYTES: usize = 25 * 1024 * 1024;

/// Largest `metadata` part, in bytes of its serialized JSON.
pub const MAX_METADATA_BYTES: usize = 1024;

/// Largest key, in bytes of its UTF-8 form after percent-decoding.
pub const MAX_KEY_BYTES: usize = 512;

/// Longest account or namespace id, in characters.
pub const MAX_ID_CHARS: usize = 32;

/// Smallest `expiration_ttl`, and how far in the future `expiration` must be, in seconds.
pub const MIN_EXPIRATION_SECS: i64 = 60;

/// Room allowed for multipart boundaries and part headers on top of the value and
/// metadata, so a value of exactly the limit still fits in a form.
pub(crate) const MULTIPART_OVERHEAD_BYTES: usize = 64 * 1024;

/// Bodies of requests that carry no value (GET, DELETE, unknown routes) are still
/// read for the request log, up to this many bytes.
pub(crate) const OTHER_BODY_BYTES: usize = 1024 * 1024;
