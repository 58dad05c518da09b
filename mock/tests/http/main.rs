//! The mock over HTTP: every route, the state model, faults, hostile clients and the
//! command-line server, driven byte for byte by a raw client on 127.0.0.1. One test binary
//! for all of them, since linking the HTTP stack costs more than compiling any of these
//! modules; helpers in [`support`].
//!
//! `tests/memory.rs` keeps a binary of its own: it reads the process's resident set size,
//! which other tests running beside it would inflate.

// The test account's ids, defined once for the repository's tests.
#[path = "../../../tests/shared/ids.rs"]
mod ids;
mod support;

mod auth;
mod bulk;
mod cli;
mod faults;
mod hostile;
mod keys;
mod model;
mod namespaces;
mod put;
mod routes;
mod server;
mod values;
