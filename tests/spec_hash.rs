//! The build script's spec hash (used without the `codegen` feature) is the generator's, and
//! the checked-in module records the hash of the checked-in spec.

#[path = "../build/spec_hash.rs"]
mod build_hash;

use proptest::prelude::*;

proptest! {
    #[test]
    fn the_build_script_hashes_like_the_generator(text in "(?s).{0,300}", crlf in any::<bool>()) {
        let text = if crlf { text.replace('\n', "\r\n") } else { text };
        prop_assert_eq!(
            build_hash::spec_hash(text.as_bytes()),
            kv_codegen::spec_hash(&text)
        );
    }
}

#[test]
fn both_use_one_header_line() {
    assert_eq!(build_hash::PREFIX, kv_codegen::SPEC_HASH_PREFIX);
}

#[test]
fn the_checked_in_module_records_the_checked_in_spec() {
    let root = env!("CARGO_MANIFEST_DIR");
    let spec = std::fs::read(format!("{root}/spec/cloudflare-kv.yaml")).unwrap();
    let module = std::fs::read_to_string(format!("{root}/generated/cloudflare_kv.rs")).unwrap();
    assert_eq!(
        build_hash::recorded_hash(&module),
        Some(build_hash::spec_hash(&spec).as_str())
    );
}

#[test]
fn a_module_without_the_line_records_nothing() {
    assert_eq!(
        build_hash::recorded_hash("// @generated\nfn f() {}\n"),
        None
    );
    let text = "// a\n// spec-hash: fnv1a64:00ff \n";
    assert_eq!(build_hash::recorded_hash(text), Some("00ff"));
}
