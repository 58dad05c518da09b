//! Nothing: this package holds the runnable examples (`cargo run -p examples --example
//! quickstart`); see `quickstart.rs`, `update_value.rs` and `bulk.rs` beside this file.
