#!/usr/bin/env bash
# CI step (called from .ci/run): the generator at the scale of Cloudflare's whole API.
# Writes a synthetic spec of 1,500 operations and 3,700 schemas (codegen/examples/synthetic_spec.rs),
# generates the module with the release CLI (time and peak memory reported), and compiles it
# warning-free in a scratch crate against kv-runtime, with a target dir of its own (time and
# peak memory of that build reported too), then generates it again with --group-features and
# compiles one group alone. LARGE_SPEC_GROUPS (default 100 = 1,500 operations) scales it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
dir=target/large-spec
groups=${LARGE_SPEC_GROUPS:-100}

cargo build --quiet --release -p kv-codegen
cargo run --quiet -p kv-codegen --example synthetic_spec -- "$dir" "$groups"

measure() { # label, command…: runs it under /usr/bin/time, prints wall time and peak RSS
    local label=$1 log
    shift
    log=$(mktemp)
    if ! /usr/bin/time -v -o "$log" "$@"; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    printf '%s: %s wall, %s KB peak RSS\n' "$label" \
        "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")" \
        "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
    rm -f "$log"
}

# --strict: the synthetic spec uses only what kv-codegen supports, so nothing may be left out.
measure "generation (release CLI)" \
    target/release/kv-codegen generate --strict "$dir/synthetic.json" -o "$dir" 2>"$dir/warnings.txt"
echo "generated $(wc -l <"$dir/synthetic.rs") lines; $(grep -c ': warning: ' "$dir/warnings.txt" || true) warning(s)"

# Its own target dir: cargo would otherwise take a crate of the same name elsewhere as fresh.
# Not incremental: a user's dependency never is, and the incremental cache doubles the memory.
(cd "$dir" && measure "compiling the generated crate (dev profile, deny(warnings))" \
    env CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$PWD/target" cargo build --quiet)

# The same spec with `--group-features`: one group on compiles that group's part alone.
one="$dir/one-group"
mkdir -p "$one"
cp "$dir/lib.rs" "$one/"
target/release/kv-codegen generate --strict --group-features "$dir/synthetic.json" -o "$one" 2>/dev/null
features=$(grep -o '#\[cfg(feature = "[a-z0-9_]*")\]' "$one/synthetic.rs" | sed 's/.*"\(.*\)".*/\1/' | sort -u)
first=$(printf '%s\n' "$features" | head -n 1)
{
    sed '/^\[dependencies\]/,$d' "$dir/Cargo.toml"
    echo "[features]"
    printf '%s = []\n' $features
    echo
    sed -n '/^\[dependencies\]/,$p' "$dir/Cargo.toml"
} >"$one/Cargo.toml"
(cd "$one" && measure "compiling one group of $(printf '%s\n' "$features" | wc -l) ($first, --group-features)" \
    env CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$PWD/../target" cargo build --quiet --features "$first")
