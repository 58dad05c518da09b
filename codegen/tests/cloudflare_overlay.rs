//! Cloudflare's own description of the KV API, with our overlay (`spec/cloudflare-kv.overlay.yaml`),
//! gives the SDK our own spec gives: the public API and the code of the module generated from
//! it are compared item by item with `generated/cloudflare_kv.rs`, and the differences must be
//! exactly those of the allow-list beside this file (each with its reason).
//!
//! Cloudflare's documents live in `../shared/cloudflare/` beside the repository (CI lays it
//! there); without them the tests print a note and pass. The whole-API document (4 MB) is
//! generated here too, in the test profile; `.ci/cloudflare-overlay.sh` runs the same
//! comparisons through the release build of `examples/public_api.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/public_api.rs"]
mod public_api;

use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn root(path: &str) -> PathBuf {
    Path::new(ROOT).join(path)
}

/// Cloudflare's document `name`, or `None` (with a note) when shared/ is not there.
fn cloudflare(name: &str) -> Option<PathBuf> {
    let path = root("../shared/cloudflare").join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("note: {} not found; comparison skipped", path.display());
        None
    }
}

/// Generates `spec` (with `include`) through our overlay and checks the comparison against
/// `allow_file`.
fn compare(spec: &Path, include: &[&str], allow_file: &str) {
    let config = kv_codegen::Config {
        include: include.iter().map(|s| (*s).to_owned()).collect(),
        overlays: vec![root("spec/cloudflare-kv.overlay.yaml")],
        ..Default::default()
    };
    let output = kv_codegen::generate_file(spec, &config).unwrap_or_else(|diags| {
        panic!("{}", kv_codegen::diagnostics::render(&diags));
    });
    assert!(output.left_out.is_empty(), "{:?}", output.left_out);
    let ours = std::fs::read_to_string(root("generated/cloudflare_kv.rs")).unwrap();
    let ours = public_api::listing(&ours).unwrap();
    let theirs = public_api::listing(&output.code).unwrap();
    let differences = public_api::compare(&ours, &theirs);
    let allow_path = root("codegen/tests/cloudflare_overlay").join(allow_file);
    let allow = std::fs::read_to_string(&allow_path).unwrap();
    if let Err(text) = public_api::check_allowed(&ours, &theirs, &differences, &allow) {
        panic!("{}:\n{text}", allow_path.display());
    }
}

#[test]
fn kv_all_with_our_overlay_is_our_sdk() {
    if let Some(spec) = cloudflare("kv-all.yaml") {
        compare(&spec, &[], "kv-all.allow");
    }
}

#[test]
fn the_kv_part_of_the_whole_api_with_our_overlay_is_our_sdk() {
    if let Some(spec) = cloudflare("cloudflare-openapi.json") {
        let include = ["path:/accounts/{account_id}/storage/kv/**"];
        compare(&spec, &include, "whole-api.allow");
    }
}

/// The comparison sees what matters: a changed limit, a renamed method and a lost field are
/// each a difference, and a doc comment is not.
#[test]
fn the_listing_sees_signatures_and_bodies_not_docs() {
    let before = "pub mod kv { pub struct P { pub limit: Option<i64> } \
                  impl P { /// One.\n pub fn check(v: &i64) { rt::validate::minimum(\"limit\", *v, 10) } \
                  pub fn list(&self) {} } }";
    let after = "pub mod kv { pub struct P { } \
                 impl P { /// Two.\n pub fn check(v: &i64) { rt::validate::minimum(\"limit\", *v, 1) } \
                 pub fn list_all(&self) {} } }";
    let (a, b) = (
        public_api::listing(before).unwrap(),
        public_api::listing(after).unwrap(),
    );
    let lines: Vec<String> = public_api::compare(&a, &b)
        .iter()
        .map(public_api::Difference::line)
        .collect();
    assert_eq!(
        lines,
        [
            "missing body kv::P::list",
            "missing field kv::P.limit",
            "missing fn kv::P::list",
            "extra body kv::P::list_all",
            "extra fn kv::P::list_all",
            "changed body kv::P::check",
            "changed struct kv::P",
        ]
    );
    let same = public_api::listing(&before.replace("One.", "Another doc.")).unwrap();
    assert!(public_api::compare(&a, &same).is_empty());
}

/// The allow-list is exact: an entry without a reason, and one that no longer matches, fail.
#[test]
fn the_allow_list_is_exact() {
    let listing = public_api::Listing::new();
    let found = [public_api::Difference::Missing(
        "fn kv::X::bulk_get".to_owned(),
    )];
    let allowed = "# a reason\nmissing *::bulk_get\n";
    assert!(public_api::check_allowed(&listing, &listing, &found, allowed).is_ok());
    let err = public_api::check_allowed(&listing, &listing, &found, "missing *::bulk_get\n");
    assert!(err.unwrap_err().contains("without a `# reason`"));
    let err = public_api::check_allowed(&listing, &listing, &[], allowed);
    assert!(err
        .unwrap_err()
        .contains("no longer found: missing *::bulk_get"));
    let err = public_api::check_allowed(&listing, &listing, &found, "");
    assert!(err.unwrap_err().contains("missing fn kv::X::bulk_get"));
}
