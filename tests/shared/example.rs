//! The binaries of the runnable examples (`examples/*.rs`, package `examples`), for the tests
//! that run them as a user would.
//!
//! Every binary is (re)built once per test process before its first use: `cargo test --test …`
//! alone builds no examples, and a binary left over from an earlier build may be stale.
//! `cargo build` of a fresh example costs only its freshness check.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The examples built by this process, by name.
static BUILT: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());

/// The binary of example `name`, built (or found fresh) by Cargo first. Blocks while Cargo
/// runs: call it from `tokio::task::spawn_blocking` in async tests.
pub fn binary(name: &str) -> PathBuf {
    // Held while building, so that two tests wanting the same example build it once.
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let profile_dir = profile_dir();
    build(name, &profile_dir);
    let path = profile_dir.join("examples").join(name);
    built.insert(name.to_owned(), path.clone());
    path
}

/// `target/<profile>`: the directory above the running test binary's `deps/`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    deps.parent().unwrap().to_path_buf()
}

/// Runs `cargo build --example name` for the profile of `profile_dir`.
fn build(name: &str, profile_dir: &Path) {
    let mut build = Command::new(env!("CARGO"));
    build.args(["build", "--workspace", "--example", name]);
    // Cargo gives tests variables a shell does not have; some build scripts (ring's) rerun
    // when `CARGO_MANIFEST_DIR` changes, so passing them on would rebuild the TLS stack here
    // and again in the next ordinary build.
    for (variable, _) in std::env::vars_os() {
        if set_by_cargo_for_tests(&variable) {
            build.env_remove(variable);
        }
    }
    if profile_dir.file_name() == Some(OsStr::new("release")) {
        build.arg("--release");
    }
    let status = build.status().unwrap();
    assert!(status.success(), "building the example {name} failed");
}

/// Whether `name` is one of the variables Cargo sets for a running test.
fn set_by_cargo_for_tests(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || [
            "OUT_DIR",
            "CARGO_CRATE_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
        ]
        .contains(&name.as_ref())
}
