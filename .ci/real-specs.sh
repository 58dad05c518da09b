#!/usr/bin/env bash
# CI step (called from .ci/run): the real documents users generate from, in ../shared (CI puts
# shared/ beside the clone), generated with the release CLI and built warning-free:
#   - Cloudflare's whole API (cloudflare/cloudflare-openapi.json) in the crates layout, all groups;
#   - GitHub's REST API (specs/github-api.json) and nexus (specs/nexus.json) as one module each.
# Fails when an operation is left out that is not listed below with its reason, or when a
# listed one is generated after all (the list is kept exact). Prints, for each document,
# generation wall/CPU/peak memory, lines and types written, and the build's wall/CPU/peak
# memory (dev profile, not incremental, RUSTFLAGS=-Dwarnings, every rustc process counted).
# The dependencies are built first, in the step's own target dir, and kept between runs: what
# is measured is the generated code alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# shellcheck source=.ci/measure.sh
source .ci/measure.sh

shared=../shared
dir=target/real-specs
specs=("$shared/cloudflare/cloudflare-openapi.json" "$shared/specs/github-api.json" "$shared/specs/nexus.json")
for spec in "${specs[@]}"; do
    if [ ! -f "$spec" ]; then
        echo "error: $spec not found (CI provides shared/ beside the clone)" >&2
        exit 1
    fi
done

# Operations left out on purpose, by document: each `operationId reason`. Nothing else may be.
left_out_cloudflare=(
    "zone-cache-settings-get-origin-post-quantum-encryption-setting its 200 answer is allOf an object envelope and a string enum: no value is both"
    "zone-cache-settings-change-origin-post-quantum-encryption-setting its 200 answer is allOf an object envelope and a string enum: no value is both"
)
left_out_github=()
left_out_nexus=()

cargo build --quiet --release -p kv-codegen
rm -rf "$dir/cloudflare" "$dir/github" "$dir/nexus"
mkdir -p "$dir"

# Checks the CLI's summary and its left-out operations against the list for the document.
# Arguments: the CLI's log, then the listed `operationId reason` entries.
check_left_out() {
    local log=$1 summary found expected
    shift
    summary=$(grep -Eo '[0-9]+ operation\(s\) generated, [0-9]+ left out, [0-9]+ type\(s\)' "$log") || {
        cat "$log" >&2
        echo "error: no summary line in the generator's output" >&2
        return 1
    }
    # Each left-out operation is either its own error line or listed under its cause.
    found=$({
        sed -n 's/.*error: operation `\([^`]*\)` is left out.*/\1/p' "$log"
        sed -n 's/^    operation `\([^`]*\)` at .*/\1/p' "$log"
    } | sort)
    expected=$(for entry in "$@"; do echo "${entry%% *}"; done | sort)
    if [ "$found" != "$expected" ]; then
        grep -A1 'error:' "$log" >&2 || true
        echo "error: operations left out: [$(echo $found)]; listed as left out on purpose: [$(echo $expected)]" >&2
        return 1
    fi
    echo "$summary"
    for entry in "$@"; do
        echo "  left out on purpose: ${entry%% *}: ${entry#* }"
    done
}

# `"${logged[@]}" LOG COMMAND…`: COMMAND with its output in LOG, as a program `measure` can time.
# shellcheck disable=SC2016
logged=(bash -c 'log=$1; shift; exec "$@" >"$log" 2>&1' logged)

# A crate that compiles a generated module warning-free against the runtime.
module_crate() { # dir, package name, module file name
    cat >"$1/Cargo.toml" <<EOF
[package]
name = "$2"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"

[dependencies]
kv-runtime = { path = "$PWD/runtime" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
bytes = "1"
EOF
    printf '//! The module generated from %s.\n#![allow(dead_code)]\ninclude!("%s");\n' "$2" "$3" >"$1/lib.rs"
}

echo "-- generation (release CLI)"
measure "cloudflare: generation, crates layout" "${logged[@]}" "$dir/cloudflare.log" \
    target/release/kv-codegen generate --allow-partial --crates cloudflare-api --no-workspace \
    --runtime-dependency-path "$PWD/runtime" "${specs[0]}" -o "$dir/cloudflare"
check_left_out "$dir/cloudflare.log" "${left_out_cloudflare[@]}"
echo "cloudflare: $(find "$dir/cloudflare" -name Cargo.toml | wc -l) crates, $(cat "$dir"/cloudflare/*/src/*.rs | wc -l) lines"
for name in github nexus; do
    spec=$shared/specs/$([ "$name" = github ] && echo github-api || echo nexus).json
    mkdir -p "$dir/$name"
    measure "$name: generation, one module" "${logged[@]}" "$dir/$name.log" \
        target/release/kv-codegen generate --allow-partial "$spec" -o "$dir/$name"
    list="left_out_$name[@]"
    check_left_out "$dir/$name.log" "${!list}"
    module=$(cd "$dir/$name" && ls -- *.rs)
    echo "$name: $(wc -l <"$dir/$name/$module") lines"
    module_crate "$dir/$name" "real-$name" "$module"
done

# One workspace for all of them, so that the dependencies are built once.
{
    echo "[workspace]"
    echo "resolver = \"2\""
    echo "members = ["
    for manifest in "$dir"/cloudflare/*/Cargo.toml; do
        printf '    "cloudflare/%s",\n' "$(basename "$(dirname "$manifest")")"
    done
    echo '    "github",'
    echo '    "nexus",'
    echo "]"
} >"$dir/Cargo.toml"

echo "-- builds (dev profile, not incremental, RUSTFLAGS=-Dwarnings)"
export CARGO_INCREMENTAL=0 RUSTFLAGS="-D warnings" CARGO_TARGET_DIR="$PWD/$dir/target"
(cd "$dir" && cargo build --quiet -p kv-runtime)
(cd "$dir" && measure "cloudflare: build, all groups" cargo build --quiet -p cloudflare-api)
(cd "$dir" && measure "github: build" cargo build --quiet -p real-github)
(cd "$dir" && measure "nexus: build" cargo build --quiet -p real-nexus)
echo "the real documents generate and build warning-free"
