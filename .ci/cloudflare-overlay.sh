#!/usr/bin/env bash
# Cloudflare's own description of the KV API, with our overlay, gives our SDK: the public API
# (and code) generated from each of their documents is compared item by item with
# generated/cloudflare_kv.rs, and the differences must be exactly those of the allow-lists in
# codegen/tests/cloudflare_overlay/ (the same check as codegen/tests/cloudflare_overlay.rs,
# here with the release build, and the CLI's own run of the same command a user types).
set -euo pipefail
cd "$(dirname "$0")/.."

cloudflare=../shared/cloudflare
if [ ! -d "$cloudflare" ]; then
    echo "error: $cloudflare not found (CI provides shared/ beside the clone)" >&2
    exit 1
fi
overlay=spec/cloudflare-kv.overlay.yaml
kv='path:/accounts/{account_id}/storage/kv/**'
allow=codegen/tests/cloudflare_overlay

# Through cargo (not target/…), so that a CARGO_TARGET_DIR of the caller's is honoured.
compare() { cargo run --quiet --release -p kv-codegen --example public_api -- "$@"; }
compare "$cloudflare/kv-all.yaml" --overlay "$overlay" \
    --expected generated/cloudflare_kv.rs --allow "$allow/kv-all.allow"
compare "$cloudflare/cloudflare-openapi.json" --include "$kv" --overlay "$overlay" \
    --expected generated/cloudflare_kv.rs --allow "$allow/whole-api.allow"

# The command of spec/README.md, as a user types it: every selected operation generates.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cargo run --quiet --release -p kv-codegen -- generate "$cloudflare/cloudflare-openapi.json" \
    --strict --include "$kv" --overlay "$overlay" -o "$scratch"
