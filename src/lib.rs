//! Typed Rust SDK for Cloudflare Workers KV, generated from an OpenAPI description.

pub mod runtime;

// TEMPORARY: a hand-completed draft of what kv-codegen emits, used until build.rs
// generates the real module into OUT_DIR.
#[path = "generated_draft.rs"]
mod generated;

pub use generated::*;
pub use runtime::{
    Binary, ClientBuilder, ConstraintError, Error, ErrorKind, RequestOptions, Response,
};
