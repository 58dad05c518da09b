//! The API's documented limits and the mock's own bounds, in one place.

use std::time::Duration;

/// Largest value the API stores: 25 MiB.
pub const MAX_VALUE_BYTES: usize = 25 * 1024 * 1024;

/// Largest `metadata`, in bytes of its serialized JSON.
pub const MAX_METADATA_BYTES: usize = 1024;

/// Largest key, in bytes of its UTF-8 form after percent-decoding.
pub const MAX_KEY_BYTES: usize = 512;

/// Longest account or namespace id, in characters.
pub const MAX_ID_CHARS: usize = 32;

/// Longest namespace title, in characters (the schema's `maxLength`).
pub const MAX_TITLE_CHARS: usize = 512;

/// Smallest `expiration_ttl`, and how far in the future `expiration` must be, in seconds.
pub const MIN_EXPIRATION_SECS: i64 = 60;

/// Most pairs in one bulk write, and most keys in one bulk delete.
pub const MAX_BULK_ITEMS: usize = 10_000;

/// Most keys in one bulk get.
pub const MAX_BULK_GET_KEYS: usize = 100;

/// Largest bulk-write body: the API's "100 megabytes", read as 100 MiB.
pub const MAX_BULK_WRITE_BYTES: usize = 100 * 1024 * 1024;

/// Largest bulk-delete body: 10,000 keys of 512 bytes fit with room for JSON escapes.
pub const MAX_BULK_DELETE_BYTES: usize = 16 * 1024 * 1024;

/// Smallest and largest `limit` of a key listing; the default is the largest.
pub const LIST_LIMIT_RANGE: (usize, usize) = (10, 1000);

/// Largest `per_page` of a namespace listing, and its default.
pub const NAMESPACES_PER_PAGE_MAX: usize = 1000;

/// Default `per_page` of a namespace listing.
pub const NAMESPACES_PER_PAGE_DEFAULT: usize = 20;

/// Room allowed for multipart boundaries and part headers on top of the value and
/// metadata, so a value of exactly the limit still fits in a form.
pub(crate) const MULTIPART_OVERHEAD_BYTES: usize = 64 * 1024;

/// Bodies of every other request (namespace bodies, bulk get, GET, DELETE, unknown
/// routes) are read up to this many bytes.
pub(crate) const OTHER_BODY_BYTES: usize = 1024 * 1024;

/// Bytes of an over-limit body the mock reads and throws away so that it can still
/// answer 413 cleanly; past this it answers and closes the connection.
pub const MAX_DRAIN_BYTES: u64 = 256 * 1024 * 1024;

/// Default number of requests the request log keeps (the most recent ones).
pub const DEFAULT_LOG_CAPACITY: usize = 1024;

/// Default number of body bytes each logged request keeps.
pub const DEFAULT_LOG_BODY_BYTES: usize = 8 * 1024;

/// Default time a client has to send a request's headers, and then its whole body.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default number of connections open at once; when all are open, a new client makes room
/// by closing the connection idle longest (see `MockServerBuilder::max_connections`).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
