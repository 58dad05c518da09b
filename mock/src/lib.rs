//! A local, stateful, validating mock of Cloudflare's Workers KV API, for tests.
//!
//! It is an independent reading of the API (it shares no code with the
//! `cloudflare-kv` SDK), so the SDK and the mock cannot agree on the same mistake.
//!
//! ```no_run
//! # async fn demo() {
//! use cloudflare_kv_mock::MockServer;
//!
//! let server = MockServer::start().await; // 127.0.0.1, port picked by the OS
//! let base_url = server.base_url();       // http://127.0.0.1:PORT/client/v4
//! // ... point a client at `base_url` with token `mock-token` ...
//! let entry = server.get("account", "namespace", "my/key");
//! server.fail_next(1, 503, Some(2.into())); // next request: 503 + Retry-After: 2
//! # let _ = (base_url, entry);
//! # }
//! ```
//!
//! # Routes
//!
//! Under the prefix `/client/v4`, like the real server:
//!
//! - `PUT /accounts/{account_id}/storage/kv/namespaces/{namespace_id}/values/{key_name}`
//!   writes a value; the answer is exactly
//!   `{"success":true,"errors":[],"messages":[],"result":{}}`.
//! - `GET` of the same path returns the stored bytes (`application/octet-stream`).
//! - `DELETE` of the same path removes the entry (and succeeds if there was none).
//!
//! Every answer carries a `cf-ray: mock-<n>` header, `n` counting requests from 1.
//!
//! # What is checked, in order
//!
//! 1. **Route.** The raw path is split on literal `/` before decoding, so `%2F`
//!    stays inside a key while a literal `/` in the key position is no route (404).
//!    Other methods on the values route are 405 (with `Allow: GET, PUT, DELETE`).
//! 2. **Credentials.** `Authorization: Bearer <token>` (default `mock-token`), or both
//!    `X-Auth-Email` and `X-Auth-Key` (default `user@example.com` / `mock-key`); see
//!    [`MockServerBuilder`] to change them. Sending both schemes is refused.
//! 3. **Path.** Account and namespace ids decode to 1..=32 characters. The key is
//!    percent-decoded exactly once, must be UTF-8, 1..=512 bytes, not `.` or `..`.
//! 4. **Query** (`PUT`). `expiration_ttl` and `expiration` must be whole numbers
//!    (digits only: `300.0` is refused); the TTL at least 60, the absolute time at
//!    least 60 s from now. Both are checked when both are sent, and the TTL wins.
//!    The stored [`StoredEntry::expiration`] is absolute (now + TTL).
//! 5. **Media type** (`PUT`). No `Content-Type`, `application/octet-stream`,
//!    `text/plain` or `application/x-www-form-urlencoded` (what `curl -d` sends; never
//!    form-decoded): the body is the raw value, stored byte for byte. `multipart/form-data`: a form with
//!    exactly one `value` part and at most one `metadata` part (no other parts, so
//!    flattened `metadata[k]` fields are caught); the metadata part's
//!    `Content-Type`, if any, must be `application/json`, and it must hold exactly
//!    one JSON document of at most 1,024 bytes. Any other media type is refused.
//! 6. **Size.** Bodies are read chunk by chunk; a raw body stops being read as soon
//!    as it passes 26,214,400 bytes (25 MiB), and is answered 413.
//!
//! A write replaces the whole entry: an overwrite without metadata or expiration
//! leaves none of the old ones. Expiration is recorded; an expired entry answers
//! `GET` with 404, but [`MockServer::get`] still shows it.
//!
//! # Error codes
//!
//! Every error is `{"success":false,"errors":[{"code":N,"message":"..."}],"messages":[],"result":null}`
//! with `Content-Type: application/json`.
//!
//! | Status | Code  | When | Message |
//! |--------|-------|------|---------|
//! | 400 | 7003  | account or namespace id empty or over 32 characters | `Could not route to <id>, perhaps your object identifier is invalid?` |
//! | 400 | 9107  | both `Authorization` and `X-Auth-Email`/`X-Auth-Key` sent | `Send exactly one of Authorization or X-Auth-Email/X-Auth-Key` |
//! | 400 | 10019 | key empty, `.`, `..`, or not UTF-8 once decoded | `Invalid key name: <why>` |
//! | 400 | 10033 | `expiration_ttl` not a whole number, or under 60 | `Invalid expiration_ttl of <v>. ...` |
//! | 400 | 10034 | `expiration` not a whole number, or under 60 s from now | `Invalid expiration of <v>. ...` |
//! | 400 | 10035 | any other body media type (e.g. `application/json`) | `Unsupported Content-Type: <type>` |
//! | 400 | 10036 | multipart malformed, no boundary, no `value`, repeated or unknown part | `Invalid multipart body: <why>` |
//! | 400 | 10037 | `metadata` part not one JSON document, or not `application/json` | `Invalid metadata: <why>` |
//! | 401 | 9106  | no credentials (or only one of email / key) | `Missing X-Auth-Key, X-Auth-Email or Authorization headers` |
//! | 403 | 10000 | credentials sent but not accepted (incl. `Authorization` not `Bearer`) | `Authentication error` |
//! | 404 | 7003  | no route for the path (incl. a literal `/` in the key) | `No route for the URI` |
//! | 404 | 10009 | `GET` of a key not stored (or expired) | `key not found` |
//! | 405 | 10405 | values route with a method other than GET, PUT, DELETE | `Method not allowed` |
//! | 413 | 10011 | value over 26,214,400 bytes | `Value length exceeds limit of 26214400` |
//! | 413 | 10012 | `metadata` part over 1,024 bytes | `Metadata length of <n> exceeds limit of 1024` |
//! | 414 | 10020 | key over 512 bytes once decoded | `Key length of <n> bytes exceeds limit of 512` |
//!
//! # Fault injection
//!
//! Faults are queued in call order and each is spent on one request (after the
//! request has been read and logged): [`MockServer::fail_next`] (an envelope whose
//! error code is the status number, message `injected fault: <status> <reason>`,
//! optional `Retry-After`; a 2xx status gives a `success:false` body on a 2xx),
//! [`MockServer::delay_next`], [`MockServer::drop_next`] (connection closed, no
//! answer), [`MockServer::html_next`] (a `text/html` proxy page).

#![warn(missing_docs)]

mod auth;
mod body;
mod bulk;
mod clock;
mod envelope;
mod error;
mod faults;
mod handler;
mod json;
mod keys;
pub mod limits;
mod log;
mod multipart;
mod namespaces;
mod routes;
mod server;
mod state;
mod store;
mod sync;
mod validate;
mod values;

pub use auth::{DEFAULT_EMAIL, DEFAULT_KEY, DEFAULT_TOKEN};
pub use faults::RetryAfter;
pub use log::LoggedRequest;
pub use routes::API_PREFIX;
pub use server::{MockServer, MockServerBuilder};
pub use store::{Namespace, StoredEntry};

/// The `bytes` crate, whose `Bytes` holds values and bodies.
pub use bytes;
/// The `http` crate, whose `HeaderMap` appears in [`LoggedRequest::headers`].
pub use http;
