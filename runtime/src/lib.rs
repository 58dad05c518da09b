//! The hand-written runtime that generated code calls.
//!
//! Generated operations build a [`Request`] (path already encoded, query values raw, body
//! chosen by media type) and hand it to [`Core::send`]; the runtime adds authentication,
//! sends it with retries and timeouts, and [`decode_json`] / [`decode_bytes`] /
//! [`decode_empty`] turn the answer into a typed [`Response`] or an [`Error`].
//!
//! The runtime never names a generated item: the generated module depends on it, not the
//! other way round.
#![warn(missing_docs)]

mod auth;
mod binary;
mod body;
mod config;
pub mod de;
pub mod encode;
mod envelope;
mod error;
mod pager;
mod request;
mod response;
mod result_info;
mod retry;
mod secret;
mod stream;
mod transport;
pub mod units;
pub mod validate;

pub use auth::Scheme;
pub use binary::Binary;
pub use body::{Body, Part};
pub use config::{ApiClient, ClientBuilder, EnvVars};
pub use envelope::ApiMessage;
pub use error::{Error, ErrorKind};
pub use pager::{next_cursor, next_page, paginate, Items, Pages};
pub use request::{Request, RequestOptions};
pub use response::{
    decode_bytes, decode_empty, decode_json, decode_result, decode_stream, RawResponse, Response,
    ResultInfo,
};
pub use stream::{ByteStream, DEFAULT_IDLE_TIMEOUT};
pub use transport::{Core, Streamed, StreamedResponse};
pub use validate::ConstraintError;

/// The headers of a response.
pub use reqwest::header::HeaderMap;
/// The HTTP method of a [`Request`].
pub use reqwest::Method;
/// The status code of a response.
pub use reqwest::StatusCode;
