//! What every test layer of the repository shares: the test account's identifiers and
//! credentials ([`ids`], also read by the mock's tests) and the runner of the example
//! binaries ([`example`]). Each layer's own `support` module re-exports it.
#![allow(dead_code)] // each layer uses a different subset

pub mod example;
mod ids;

pub use ids::*;
