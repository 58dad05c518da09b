#!/usr/bin/env bash
# CI step (called from .ci/run): every fixture spec (tests/fixtures/*.yaml), our own spec and
# Cloudflare's kv-all.yaml, generated in the crates layout (--crates), build warning-free,
# clippy included, doc tests compiled, as one workspace of them all.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
dir=target/crates-fixtures
rm -rf "$dir"
mkdir -p "$dir"
cargo build --quiet -p kv-codegen
members=()
specs=(tests/fixtures/*.yaml spec/cloudflare-kv.yaml)
if [ -f ../shared/cloudflare/kv-all.yaml ]; then
    specs+=(../shared/cloudflare/kv-all.yaml)
fi
for spec in "${specs[@]}"; do
    name=$(basename "$spec" .yaml)
    name=${name//-/_}
    package="fx-${name//_/-}"
    target/debug/kv-codegen generate --crates "$package" --no-workspace \
        --runtime-dependency-path "$PWD/runtime" "$spec" -o "$dir/$name" >/dev/null 2>&1 || {
        target/debug/kv-codegen generate --crates "$package" --no-workspace \
            --runtime-dependency-path "$PWD/runtime" "$spec" -o "$dir/$name" >&2
        exit 1
    }
    for manifest in "$dir/$name"/*/Cargo.toml; do
        members+=("$(dirname "${manifest#"$dir/"}")")
    done
done
{
    echo "[workspace]"
    echo "resolver = \"2\""
    echo "members = ["
    printf '    "%s",\n' "${members[@]}"
    echo "]"
} >"$dir/Cargo.toml"
echo "${#members[@]} crates from ${#specs[@]} specs"
(cd "$dir" && CARGO_TARGET_DIR="$PWD/target" cargo clippy --quiet --workspace --all-targets -- -D warnings)
# The doc examples name the facade crate: they compile (they are `no_run`).
(cd "$dir" && CARGO_TARGET_DIR="$PWD/target" cargo test --quiet --workspace --doc 2>&1) \
    | awk '/^test result/ { passed += $4; failed += $6 } END { print passed " doc examples compile, " failed " fail" }'
# The facade with no group, and with one: gated items leave nothing unused behind.
for features in "" "--features dogs"; do
    # shellcheck disable=SC2086
    cargo clippy --quiet -p pets --no-default-features $features -- -D warnings
done
echo "the pets facade builds with no group and with one"
