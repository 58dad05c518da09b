//! Typed Rust SDK for Cloudflare Workers KV, generated from an OpenAPI description.
#![warn(missing_docs)]

/// The runtime the generated client calls (the `kv-runtime` crate).
pub use kv_runtime as runtime;

/// The module kv-codegen generates from `spec/` (see `generated/` for a readable copy).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cloudflare_kv.rs"));
}

pub use generated::*;
pub use runtime::{
    Binary, ClientBuilder, ConstraintError, Error, ErrorKind, RequestOptions, Response,
};

/// The README's Rust examples, compiled as doctests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
