//! kv-codegen: OpenAPI 3.0 → Rust SDK generator.
