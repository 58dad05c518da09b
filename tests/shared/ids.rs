//! The test account's identifiers and credentials, defined once for every layer: the SDK's
//! wire, end-to-end and hostile-server tests, and (by path) the mock's own tests.
#![allow(dead_code)] // each layer uses a different subset

/// The account id of every test (the one in Cloudflare's documentation).
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The namespace id of every test.
pub const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";
/// An API token, marked so that a leak is easy to find in logs and requests.
pub const TOKEN: &str = "t0ken-SECRET-abc123";
/// An API key for the email-and-key scheme, marked like [`TOKEN`].
pub const API_KEY: &str = "k3y-SECRET-def456";
/// The email of the email-and-key scheme.
pub const EMAIL: &str = "user@example.com";
