//! End to end: the generated SDK against the local `cloudflare-kv-mock` server over real HTTP
//! on 127.0.0.1, and the quickstart example run as a user would. One test binary for the
//! whole layer, since linking the HTTP stack (client and server) costs more than compiling
//! any of these modules; helpers in [`support`].

#[path = "../shared/mod.rs"]
mod shared;
mod support;

mod empty_ids;
mod keys;
mod model;
mod operations;
mod quickstart;
mod retries;
mod roundtrip;
mod table;
mod validation;
