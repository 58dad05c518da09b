#!/usr/bin/env bash
# CI step (called from .ci/run): the generator at the scale of Cloudflare's whole API.
# Writes a synthetic spec of 1,500 operations and 3,700 schemas (codegen/examples/synthetic_spec.rs),
# generates the module with the release CLI (time and peak memory reported), and compiles it
# warning-free in a scratch crate against kv-runtime, with a target dir of its own (time and
# peak memory of that build reported too), then generates it again with --group-features and
# compiles one group alone. Then the same for the crates layout (--crates): generated, compiled
# with all groups (cargo builds the crates side by side), and with one group.
# LARGE_SPEC_GROUPS (default 100 = 1,500 operations) scales it.
#
# Memory is reported twice: the peak RSS of the largest process (what /usr/bin/time measures:
# one rustc), and the peak of the RSS of every process of the step together, sampled five times
# a second (what a build of crates compiled side by side needs from the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
dir=target/large-spec
groups=${LARGE_SPEC_GROUPS:-100}

cargo build --quiet --release -p kv-codegen
cargo run --quiet -p kv-codegen --example synthetic_spec -- "$dir" "$groups"

# measure LABEL COMMAND…: wall, CPU and peak memory of COMMAND (tree_rss, measure).
# shellcheck source=.ci/measure.sh
source .ci/measure.sh

quiet_build() { # log, cargo build arguments…: builds; fails on any warning (printed from log)
    local log=$1
    shift
    cargo build --quiet "$@" 2>"$log" || { cat "$log" >&2; return 1; }
    if grep -q '^warning' "$log"; then
        cat "$log" >&2
        echo "error: the generated crates compile with warnings" >&2
        return 1
    fi
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

# The crates layout: one crate per group, the shared types, and the facade users depend on.
# The same target dir as the scratch crate's: the dependencies (built above) are reused, so
# what is measured is the generated crates alone.
crates="$dir/crates"
rm -rf "$crates"
measure "generation, crates layout (release CLI)" \
    target/release/kv-codegen generate --strict --crates synthetic \
    --runtime-dependency-path "$PWD/runtime" "$dir/synthetic.json" -o "$crates" 2>/dev/null
echo "generated $(find "$crates" -name Cargo.toml | wc -l) manifests, $(cat "$crates"/*/src/*.rs | wc -l) lines"
export -f quiet_build
(cd "$crates" && measure "compiling the crates layout, all groups (dev profile, no warnings)" \
    env CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$PWD/../target" \
    bash -c 'quiet_build "$0" -p synthetic' "$PWD/build.log")
(cd "$crates" && CARGO_TARGET_DIR="$PWD/../target" cargo clean --quiet \
    -p synthetic -p synthetic-types -p "synthetic-${first//_/-}")
(cd "$crates" && measure "compiling the crates layout, one group ($first)" \
    env CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$PWD/../target" \
    bash -c 'quiet_build "$0" -p synthetic --no-default-features --features "$1"' \
    "$PWD/build.log" "$first")
