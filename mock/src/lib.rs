//! A local, stateful, validating mock of Cloudflare's Workers KV API, for tests.
//!
//! It is an independent reading of the API (it shares no code with the
//! `cloudflare-kv` SDK), so the SDK and the mock cannot agree on the same mistake.
//! It serves every Workers KV route on `127.0.0.1`, keeps namespaces and pairs in
//! memory, judges requests as the API does, expires pairs on a clock tests can move,
//! and stays bounded under hostile input and load.
//!
//! ```no_run
//! # async fn demo() {
//! use std::time::Duration;
//! use cloudflare_kv_mock::MockServer;
//!
//! let server = MockServer::start().await; // 127.0.0.1, port picked by the OS
//! let base_url = server.base_url();       // http://127.0.0.1:PORT/client/v4
//! // ... point a client at `base_url` with token `mock-token` ...
//! let entry = server.get("account", "namespace", "my/key");
//! server.advance(Duration::from_secs(3600)); // pairs expire without sleeping
//! server.fail_next(1, 503, Some(2.into())); // next request: 503 + Retry-After: 2
//! # let _ = (base_url, entry);
//! # }
//! ```
//!
//! The command-line server needs no feature flag (its `cli` feature is on by default; a
//! crate that embeds the library can leave `clap` out with `default-features = false`):
//!
//! ```text
//! cargo run -p cloudflare-kv-mock -- --port 8787
//! cargo run -p cloudflare-kv-mock -- --help
//! ```
//!
//! # Routes
//!
//! Under the prefix `/client/v4/accounts/{account_id}/storage/kv/namespaces`
//! (written `…` below), like the real server. Every success is
//! `{"success":true,"errors":[],"messages":[],"result":…}` (listings add
//! `"result_info"` after `"result"`) with `Content-Type: application/json`, except
//! reading a value, which answers the raw bytes.
//!
//! | Method | Path | Does | Success |
//! |---|---|---|---|
//! | GET | `…` | list namespaces: `page` (≥ 1, default 1), `per_page` (1..=1000, default 20), `order` (`id` default, or `title`), `direction` (`asc` default, or `desc`) | `result`: `[{"id","title","supports_url_encoding":true}]`; `result_info`: `{"page","per_page","count","total_count","total_pages"}` |
//! | POST | `…` | create a namespace from `{"title": …}`; the id is 32 lowercase hex digits | `result`: the namespace |
//! | GET | `…/{namespace_id}` | get a namespace | `result`: the namespace |
//! | PUT | `…/{namespace_id}` | rename from `{"title": …}` | `result`: the namespace |
//! | DELETE | `…/{namespace_id}` | delete the namespace and all its pairs (any body ignored) | `result`: `{}` |
//! | GET | `…/{namespace_id}/keys` | list keys: `prefix`, `limit` (10..=1000, default 1000), `cursor` | `result`: `[{"name","expiration"?,"metadata"?}]`; `result_info`: `{"count","cursor"}` |
//! | GET | `…/{namespace_id}/values/{key_name}` | read a value | the bytes, `application/octet-stream`, `Content-Length`, and `expiration: <secs>` when the pair expires |
//! | PUT | `…/{namespace_id}/values/{key_name}` | write a value (raw or multipart with metadata) | `result`: `{}` |
//! | DELETE | `…/{namespace_id}/values/{key_name}` | delete a pair; 200 whether or not it existed | `result`: `{}` |
//! | GET | `…/{namespace_id}/metadata/{key_name}` | read a pair's metadata | `result`: the metadata, or `null` when none |
//! | PUT | `…/{namespace_id}/bulk` | write up to 10,000 pairs `[{"key","value","base64"?,"expiration"?,"expiration_ttl"?,"metadata"?}]` | `result`: `{"successful_key_count":n,"unsuccessful_keys":[]}` |
//! | POST | `…/{namespace_id}/bulk/delete` | delete up to 10,000 keys `["k", …]` | as bulk write; `n` is the number of names sent |
//! | DELETE | `…/{namespace_id}/bulk` | the deprecated bulk delete: served, same as `POST …/bulk/delete` | as bulk delete |
//! | POST | `…/{namespace_id}/bulk/get` | read up to 100 keys `{"keys":[…],"type":"text"\|"json","withMetadata":bool}` | `result`: `{"values":{"k":value\|null}}`, or with metadata `{"values":{"k":{"value","metadata","expiration"?}\|null}}` |
//!
//! Every answer carries a `cf-ray: mock-<n>` header, `n` counting requests from 1.
//!
//! # What is checked, in order
//!
//! 1. **Route.** The raw path is split on literal `/` before decoding, so `%2F`
//!    stays inside a key while a literal `/` in the key position is no route (404).
//!    A method the route does not serve is 405, with `Allow` listing those it does.
//! 2. **Credentials.** `Authorization: Bearer <token>` (default `mock-token`), or both
//!    `X-Auth-Email` and `X-Auth-Key` (default `user@example.com` / `mock-key`); see
//!    [`MockServerBuilder`] to change them. Sending both schemes is refused.
//! 3. **Path.** Each segment is percent-decoded exactly once and strictly: every `%`
//!    must start an escape of two hex digits, so `q%G1` and a lone `%` are refused
//!    (400) instead of naming the key that `q%25G1` names. Account and namespace ids
//!    decode to 1..=32 characters. A key must be UTF-8, 1..=512 bytes, not `.` or `..`.
//! 4. **Query.** Values are decoded strictly too, with `+` read as a space (as form
//!    encoding and the API's front end read queries; a literal plus is `%2B`). For a
//!    write, `expiration_ttl` and `expiration` must be whole numbers (digits only:
//!    `300.0` is refused); the TTL at least 60, the absolute time at least 60 s after
//!    the server's now. Both are checked when both are sent, and the TTL wins. The
//!    stored [`StoredEntry::expiration`] is absolute (now + TTL). The first of
//!    repeated parameters counts.
//! 5. **Body.** A value write: no `Content-Type`, `application/octet-stream`,
//!    `text/plain` or `application/x-www-form-urlencoded` (what `curl -d` sends; never
//!    form-decoded) is the raw value, stored byte for byte; `multipart/form-data` is
//!    a form with exactly one `value` part and at most one `metadata` part (no other
//!    parts, so flattened `metadata[k]` fields are caught), whose `Content-Type`, if
//!    any, is `application/json` and which holds exactly one JSON document of at most
//!    1,024 bytes; any other type is refused. A JSON route (create, rename, bulk
//!    write, bulk delete, bulk get) takes no `Content-Type`, `application/json`, or
//!    `application/x-www-form-urlencoded` (what `curl -d` sends; still read as JSON).
//! 6. **Namespace.** A route that reads or deletes needs the namespace to exist
//!    (404, 10013). See [Namespaces](#namespaces) for writes.
//!
//! A write replaces the whole entry: an overwrite without metadata or expiration
//! leaves none of the old ones.
//!
//! # Choices where the reference is silent
//!
//! - **Namespaces.** A namespace exists once created (`POST …`), seeded
//!   ([`MockServer::insert_namespace`], [`MockServer::insert`]) or, by default,
//!   written to: a value write or bulk write to an unknown namespace id creates it,
//!   titled by its id, so tests can write to a fixed id without creating it first.
//!   [`MockServerBuilder::strict_namespaces`] refuses those writes with 404 / 10013,
//!   as the real API does. Accounts need no setup. Titles are unique per account
//!   (compared exactly) and 1..=512 characters; renaming to the current title is
//!   fine. Namespace listings page over the account's namespaces in the order asked;
//!   a page past the end is empty; `total_pages` is `ceil(total_count / per_page)`.
//! - **Key listings** are in the order of the keys' UTF-8 bytes and leave out expired
//!   pairs. The cursor is the last returned key's name, base64url-encoded; the next
//!   page starts strictly after that name, so it stays valid however keys change
//!   (nothing is returned twice, nothing that stayed is skipped). `cursor` is `""`
//!   on the last page (also when it is exactly full); an empty `cursor=` starts
//!   from the beginning. `expiration` and `metadata` are left out when absent.
//! - **Expiration** happens when the server's clock reaches the pair's time: from
//!   then on the pair is gone for GET, metadata, key listings and bulk get (and so
//!   is a pair whose `expiration` is already past when stored through the library).
//!   The library's [`MockServer::get`] and [`MockServer::keys`] still show it.
//! - **Bulk write** checks every pair by the single write's rules before storing
//!   anything: a bad pair refuses the whole request with the rule's code, status 400
//!   (even for rules whose single-write status is 413 or 414), and a message
//!   starting with its JSON pointer (`/3/expiration_ttl: …`). `expiration` and
//!   `expiration_ttl` must be JSON integers (`300.0` and `"300"` are refused);
//!   `base64: true` values are standard base64 with padding; values are at most
//!   25 MiB after decoding; metadata is at most 1,024 bytes as compact JSON, and
//!   `null` means none. Unknown fields are refused (a misspelled `expirationTtl`
//!   would otherwise be ignored). Pairs are stored in order, so the last duplicate
//!   wins. `unsuccessful_keys` is always empty: the mock never fails part-way.
//! - **Bulk delete** checks every name by the key rules; absent keys count as
//!   deleted. **Bulk get** returns each key once, in the order first asked; `type`
//!   defaults to `text` (the value must be UTF-8) and `json` parses the value (it
//!   must be one JSON document); otherwise 400 / 10006. `withMetadata` gives
//!   `metadata: null` when none and leaves out `expiration` when none.
//! - **Error codes** the public sources do not give are the mock's own: 10001-10007
//!   and 10405 / 10408 below.
//!
//! # Errors
//!
//! Every error is `{"success":false,"errors":[{"code":N,"message":"..."}],"messages":[],"result":null}`
//! with `Content-Type: application/json`.
//!
//! | Status | Code  | When | Message |
//! |--------|-------|------|---------|
//! | 400 | 7003  | account or namespace id empty, over 32 characters, or badly escaped | `Could not route to <id>, perhaps your object identifier is invalid?` |
//! | 400 | 9107  | both `Authorization` and `X-Auth-Email`/`X-Auth-Key` sent | `Send exactly one of Authorization or X-Auth-Email/X-Auth-Key` |
//! | 400 | 10001 | a JSON body that does not parse, has the wrong shape or an unknown field | `Invalid request body: <why>` |
//! | 400 | 10002 | `limit`, `cursor`, `prefix`, `page`, `per_page`, `order` or `direction` invalid | e.g. `Invalid limit of 5. Please specify an integer between 10 and 1000.` |
//! | 400 | 10003 | over 10,000 pairs / keys, or over 100 keys for bulk get | `Too many items: <n> exceeds limit of <max>` |
//! | 400 | 10004 | namespace title missing, not a string, empty, or over 512 characters | `Invalid namespace title: <why>` |
//! | 400 | 10006 | bulk get of a value that is not UTF-8 (`text`) or not JSON (`json`) | `Value of key '<k>' is not UTF-8 text` / `… is not valid JSON: <why>` |
//! | 400 | 10007 | a `base64` bulk value that does not decode | `/<i>/value: Invalid base64 value: <why>` |
//! | 400 | 10014 | a namespace title the account already has | `a namespace with this account ID and title already exists` |
//! | 400 | 10019 | key empty, `.`, `..`, badly escaped, or not UTF-8 once decoded | `Invalid key name: <why>` |
//! | 400 | 10033 | `expiration_ttl` not a whole number, or under 60 | `Invalid expiration_ttl of <v>. ...` |
//! | 400 | 10034 | `expiration` not a whole number, or under 60 s from now | `Invalid expiration of <v>. ...` |
//! | 400 | 10035 | a body media type the route does not read | `Unsupported Content-Type: <type>` |
//! | 400 | 10036 | multipart malformed, no boundary, no `value`, repeated or unknown part | `Invalid multipart body: <why>` |
//! | 400 | 10037 | `metadata` part not one JSON document, or not `application/json` | `Invalid metadata: <why>` |
//! | 400 | (rule's) | one item of a bulk body breaks a rule above | `<JSON pointer>: <the rule's message>` |
//! | 401 | 9106  | no credentials (or only one of email / key) | `Missing X-Auth-Key, X-Auth-Email or Authorization headers` |
//! | 403 | 10000 | credentials sent but not accepted (incl. `Authorization` not `Bearer`) | `Authentication error` |
//! | 404 | 7003  | no route for the path (incl. a literal `/` in the key) | `No route for the URI` |
//! | 404 | 10009 | value or metadata of a key not stored (or expired) | `key not found` |
//! | 404 | 10013 | the namespace does not exist in the account | `namespace not found` |
//! | 405 | 10405 | a method the route does not serve (`Allow` lists those it does) | `Method not allowed` |
//! | 408 | 10408 | the body did not arrive within the read timeout (connection closed) | `Request not received within <ms> ms` |
//! | 413 | 10005 | a JSON body over its route's limit: bulk write 100 MiB, bulk delete 16 MiB, others 1 MiB | `Request body exceeds limit of <n> bytes` |
//! | 413 | 10011 | value over 26,214,400 bytes | `Value length exceeds limit of 26214400` |
//! | 413 | 10012 | `metadata` part over 1,024 bytes | `Metadata length of <n> exceeds limit of 1024` |
//! | 414 | 10020 | key over 512 bytes once decoded | `Key length of <n> bytes exceeds limit of 512` |
//! | 429 | 10048 | a write or namespace creation that would pass a cap of the store (see [Bounds](#bounds)); nothing of it is stored | `Storage limit reached: …` naming the cap and its value |
//!
//! # Bounds
//!
//! Every limit is in [`limits`] and most can be set on [`MockServerBuilder`]:
//!
//! - **Bodies** are read chunk by chunk and kept up to the route's limit (a value:
//!   25 MiB, or 25 MiB + 65 KiB as a form; bulk write 100 MiB; bulk delete 16 MiB;
//!   anything else 1 MiB). Past the limit nothing more is kept: the rest is read and
//!   thrown away (up to 256 MiB, then the connection is closed) so the client still
//!   gets its 413, and memory stays flat however many oversized bodies arrive.
//! - **Time.** A client has [`MockServerBuilder::read_timeout`] (default 30 s) to send
//!   its headers, and again to send its whole body; a stalled or drip-fed body gets a
//!   408 and the connection is closed; a connection whose headers stall is closed.
//! - **Connections**: at most [`MockServerBuilder::max_connections`] (default 1,024)
//!   are open at once. When all are open and another client connects, the connection
//!   idle longest (no request in progress: between keep-alive requests, or never having
//!   sent a full request) is closed to make room, so idle clients cannot starve new
//!   ones; a connection serving a request is never closed for this. If every
//!   connection is busy, the new client waits. [`MockServer::connection_stats`] counts
//!   accepted, open and evicted connections.
//! - **Store**: at most [`MockServerBuilder::max_keys_per_namespace`] keys in one
//!   namespace (default 100,000), [`MockServerBuilder::max_namespaces`] namespaces over
//!   all accounts (default 1,000) and [`MockServerBuilder::max_stored_bytes`] bytes
//!   (default 512 MiB, each pair counted as key + value + metadata +
//!   [`ENTRY_OVERHEAD_BYTES`]; expired pairs count until deleted). A write that would
//!   pass a cap is refused whole with 429 / 10048, the code the API uses when an
//!   account is over a KV limit; the library's [`MockServer::insert`] and
//!   [`MockServer::insert_namespace`] return `false` instead. The defaults keep the
//!   worst case to about 1 GiB of memory; [`MockServer::usage`] reads the counters.
//! - **Request log**: a ring of the most recent [`MockServerBuilder::log_capacity`]
//!   requests (default 1,024), each keeping at most
//!   [`MockServerBuilder::log_body_bytes`] of its body (default 8 KiB) and the total
//!   body length in [`LoggedRequest::body_len`].
//! - **Secrets**: `Debug` of [`MockServer`] shows counts only; `Debug` of
//!   [`LoggedRequest`] shows `[redacted]` for `Authorization`, `X-Auth-Key`,
//!   `X-Auth-User-Service-Key`, `Proxy-Authorization` and `Cookie`, and the body as
//!   its length. The fields themselves keep what was sent, for assertions.
//!
//! # Clock
//!
//! The server's clock is the system time plus whatever [`MockServer::advance`] added,
//! or, with [`MockServerBuilder::start_time`] or after [`MockServer::set_time`], a
//! manual time that moves only when told. Expiration and the 60-second rules are
//! judged by it; [`MockServer::now`] reads it.
//!
//! # Fault injection
//!
//! Faults are queued in call order and each is spent on one request, after the
//! request has been read and logged and before it is routed:
//! [`MockServer::fail_next`] (an envelope whose error code is the status number,
//! message `injected fault: <status> <reason>`, optional `Retry-After`; a 2xx status
//! gives a `success:false` body on a 2xx), [`MockServer::delay_next`],
//! [`MockServer::drop_next`] (connection closed, no answer), [`MockServer::html_next`]
//! (a `text/html` proxy page).
//!
//! **Faults count requests, not calls.** `fail_next(3, 503, None)` answers the next
//! three requests that reach the server, whether they are one call and its two
//! retries or three calls. Faults a client does not spend (say it gives up after a
//! 403, which it does not retry) stay queued: [`MockServer::pending_faults`] tells how
//! many, and [`MockServer::clear_faults`] (or [`MockServer::reset`], which also forgets
//! every namespace, pair and logged request) drops them before another test shares
//! the server. Queueing costs one entry per call, whatever `n`.

#![warn(missing_docs)]

mod auth;
mod body;
mod bulk;
mod call;
mod caps;
mod clock;
mod connections;
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
pub use caps::{
    StoreUsage, DEFAULT_MAX_KEYS_PER_NAMESPACE, DEFAULT_MAX_NAMESPACES, DEFAULT_MAX_STORED_BYTES,
    ENTRY_OVERHEAD_BYTES,
};
pub use connections::ConnectionStats;
pub use faults::RetryAfter;
pub use log::LoggedRequest;
pub use routes::API_PREFIX;
pub use server::{MockServer, MockServerBuilder};
pub use store::{Namespace, StoredEntry};

/// The `bytes` crate, whose `Bytes` holds values and bodies.
pub use bytes;
/// The `http` crate, whose `HeaderMap` appears in [`LoggedRequest::headers`].
pub use http;
