//! The spec hash the generator writes into the `@generated` header
//! (`// spec-hash: fnv1a64:…`), computed here without the generator so that a build
//! without the `codegen` feature can tell whether `spec/` changed since `generated/` was
//! written. Must equal `kv_codegen::spec_hash` (tests/spec_hash.rs checks it).

/// The header line's prefix; the hash follows it.
pub const PREFIX: &str = "// spec-hash: fnv1a64:";

/// FNV-1a (64 bits) of `bytes` with every `\r` left out, as sixteen lower-case hex digits.
pub fn spec_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes.iter().filter(|&&b| b != b'\r') {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The hash recorded in a generated module's header (its first lines), if any.
pub fn recorded_hash(module: &str) -> Option<&str> {
    module
        .lines()
        .take(8)
        .find_map(|line| line.strip_prefix(PREFIX))
        .map(str::trim)
}
