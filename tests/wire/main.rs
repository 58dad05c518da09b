//! The SDK on the wire: exact requests against a wiremock server on 127.0.0.1, and the
//! answers read back. One test binary for the whole layer, since linking the HTTP stack
//! costs more than compiling any of these modules; helpers in [`support`].
//!
//! `tests/wire_secrets.rs` is the one wire test with a binary of its own: it installs a
//! process-wide tracing subscriber.

#[path = "../shared/mod.rs"]
mod shared;
mod support;

mod auth;
mod bulk;
mod crates_layout;
mod encoding;
mod errors;
mod examples;
mod keys;
mod namespaces;
mod retry;
mod send_sync;
mod values;
