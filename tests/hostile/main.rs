//! The runtime against hostile servers written by hand on raw HTTP/1.1: huge, endless and
//! malformed bodies, redirects, retries. One test binary for the whole layer, since linking
//! the HTTP stack costs more than compiling any of these modules; helpers in [`support`].
//!
//! `tests/hostile_memory.rs` keeps a binary of its own: it installs a counting global
//! allocator and measures heap peaks, which other tests running beside it would disturb.

#[path = "../shared/mod.rs"]
mod shared;
mod support;

mod bodies;
mod redirects;
mod retries;
