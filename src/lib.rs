#![doc = include_str!("../README.md")]
#![doc = include_str!("../docs/guide.md")]
#![warn(missing_docs)]
//!
//! # Where things are
//!
//! - [`prelude`]: `use cloudflare_kv::prelude::*;` brings [`Client`], the builder's
//!   `.account_id(…)` ([`ClientBuilderExt`]), [`Error`], [`ErrorKind`] and `try_next` on
//!   streams of pages.
//! - [`Client`] and its handles: `client.kv().namespaces().values()` (the handles live in
//!   [`kv`]); [`ClientBuilderExt`] adds `.account_id(…)` to [`Client::builder`].
//! - [`error_codes`]: the API's error codes (`10009` key not found, …) by name.
//! - The parameters of every method, at the crate root ([`UpdateValueParams`], …) and in
//!   [`kv`].
//! - The types of the API's schemas in [`types`] ([`types::Namespace`], [`types::Key`],
//!   [`types::BulkWriteItem`], …): not at the root, so that `use cloudflare_kv::*;` does not
//!   clash with `serde_json::Value` or `std::fs::Metadata`.
//! - The runtime's types a caller names ([`Error`], [`Response`], [`Binary`], [`Pages`],
//!   [`ByteStream`], …) at the root, and all of the runtime as [`runtime`].

/// The runtime the generated client calls (the `kv-runtime` crate).
pub use kv_runtime as runtime;

/// The module kv-codegen generates from `spec/` (see `generated/` for a readable copy).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cloudflare_kv.rs"));
}

// The generated root: `Client`, `ClientBuilderExt`, `DEFAULT_BASE_URL`, the modules `types`
// and `kv`, and every parameters struct. A glob, so that the crate builds from any spec
// (CI builds it from Cloudflare's own descriptions too).
pub use generated::*;

pub use runtime::units::{IntoSeconds, IntoUnixSeconds};
pub use runtime::{
    ApiMessage, Binary, ByteStream, ClientBuilder, ConstraintError, Error, ErrorKind, Items, Pages,
    RequestOptions, Response, ResultInfo,
};

/// What most programs need, in one import: `use cloudflare_kv::prelude::*;`.
///
/// The client, the trait that gives its builder `.account_id(…)`, the error and its kinds,
/// and `futures_util`'s `TryStreamExt`, whose `try_next` walks a stream of pages or items
/// (`list_all(…).items()`) without a `futures-util` dependency of your own.
pub mod prelude {
    pub use crate::{Client, ClientBuilderExt, Error, ErrorKind};
    pub use futures_util::TryStreamExt;
}

/// The error codes the Workers KV API answers with, in [`ApiMessage::code`] of
/// [`Error::errors`]. As the API and Cloudflare's documentation use them; an answer may
/// carry codes not listed here.
///
/// ```
/// use cloudflare_kv::{error_codes, Error};
///
/// fn is_missing_key(error: &Error) -> bool {
///     error.errors().iter().any(|e| e.code == error_codes::KEY_NOT_FOUND)
/// }
/// ```
pub mod error_codes {
    /// The credentials were sent but not accepted (HTTP 403).
    pub const AUTHENTICATION_ERROR: i64 = 10000;
    /// The key has no value (never written, deleted or expired) (HTTP 404).
    pub const KEY_NOT_FOUND: i64 = 10009;
    /// The value is over 25 MiB (26,214,400 bytes) (HTTP 413).
    pub const VALUE_TOO_LARGE: i64 = 10011;
    /// The metadata is over 1,024 bytes serialized (HTTP 413).
    pub const METADATA_TOO_LARGE: i64 = 10012;
    /// The namespace does not exist in the account (HTTP 404).
    pub const NAMESPACE_NOT_FOUND: i64 = 10013;
    /// The account already has a namespace with that title (HTTP 400).
    pub const NAMESPACE_TITLE_EXISTS: i64 = 10014;
    /// The key name is empty, `.` or `..`, or badly escaped (HTTP 400).
    pub const INVALID_KEY_NAME: i64 = 10019;
    /// The key name is over 512 bytes (HTTP 414).
    pub const KEY_TOO_LONG: i64 = 10020;
    /// `expiration_ttl` is not a whole number of at least 60 seconds (HTTP 400).
    pub const INVALID_EXPIRATION_TTL: i64 = 10033;
    /// `expiration` is not a whole number at least 60 seconds from now (HTTP 400).
    pub const INVALID_EXPIRATION: i64 = 10034;
}
