#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
//!
//! # Where things are
//!
//! - [`Client`] and its handles: `client.kv().namespaces().values()` (the handles live in
//!   [`kv`]); [`ClientBuilderExt`] adds `.account_id(…)` to [`Client::builder`].
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
