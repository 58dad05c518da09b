//! The hand-written runtime that generated code calls.
//!
//! Generated operations build a [`Request`] (path already encoded, query values raw, body
//! chosen by media type) and hand it to [`Core::send`]; the runtime adds authentication,
//! sends it with retries and timeouts, and its decoders turn the answer into a typed
//! [`Response`] or an [`Error`]. Answers are read as the API's description allows: a float
//! in an integer member is read by [`de::Lenient`]'s rule (`2.0` is 2; a fractional one is
//! rounded down).
//!
//! What a user of a generated client meets is documented here: the client builder and its
//! configuration, [`Response`], [`Error`] and [`ErrorKind`] (with [`Error::detail`] for an
//! error body of a schema the operation declares, and [`Error::api_body`] for any other), [`ApiMessage`], [`ByteStream`],
//! [`Pages`] / [`Items`], [`Binary`], the [`units`] conversions and [`de`]'s lenient readers.
//! The items only generated code calls (the decoders `decode_*`, the pager constructors,
//! the `encode` and `validate` helpers, `de`'s member tables) are public so that generated
//! code can reach them, but hidden from the docs: they may change with the generator.
//!
//! The runtime never names a generated item: the generated module depends on it, not the
//! other way round.
#![warn(missing_docs)]

// The modules are layered, never importing in a cycle (`tests/module_layers.rs` checks it).
// From the bottom: leaves (`unicode`, `secret`, `encode`, `units`, `retry_rules`,
// `result_info`, `de`), then `validate` and `message`, then `error`; above it the request side
// (`auth`, `binary`, `body`, `request`) and the answer side (`raw`, `retry`, `envelope`,
// `stream`, `response`, `pager`); then `transport`, and `config` on top.
mod auth;
mod binary;
mod body;
mod config;
pub mod de;
#[doc(hidden)]
pub mod encode;
mod envelope;
mod error;
mod macros;
mod message;
mod pager;
mod raw;
mod request;
mod response;
mod result_info;
mod retry;
mod retry_rules;
mod secret;
mod stream;
mod transport;
mod unicode;
pub mod units;
#[doc(hidden)]
pub mod validate;

pub use auth::Scheme;
pub use binary::Binary;
pub use body::{Body, Part};
pub use config::{ApiClient, ClientBuilder, EnvVars};
#[doc(hidden)]
pub use error::detail;
pub use error::{Detail, Error, ErrorKind};
pub use message::ApiMessage;
#[doc(hidden)]
pub use pager::{next_cursor, next_page, paginate};
pub use pager::{Items, Pages};
pub use raw::{RawResponse, Streamed, StreamedResponse};
pub use request::{Request, RequestOptions};
#[doc(hidden)]
pub use response::{decode_bytes, decode_empty, decode_json, decode_result, decode_stream};
pub use response::{Response, ResultInfo};
pub use stream::{ByteStream, DEFAULT_IDLE_TIMEOUT};
pub use transport::Core;
pub use validate::ConstraintError;

/// The crates the runtime's macros name, so that generated code needs no path of its own.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

/// The headers of a response.
pub use reqwest::header::HeaderMap;
/// The HTTP method of a [`Request`].
pub use reqwest::Method;
/// The status code of a response.
pub use reqwest::StatusCode;
