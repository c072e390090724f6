#!/usr/bin/env bash
# Size benchmark for the npm package (goal: wasm + JS + CSS ≤ 60 KiB brotli).
# Builds the package with scripts/build-pkg.sh into a scratch folder (so a running demo or
# e2e run keeps its dist/pkg), prints raw/gzip/brotli per file and the total, then where
# the wasm bytes go per crate (and, with TOP_FUNCTIONS=N, the N largest functions).
# Usage: scripts/bench-size.sh [OUT_DIR]   (default: a temporary folder, removed after)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
OUT="${1:-$SCRATCH/pkg}"
"$ROOT/scripts/build-pkg.sh" "$OUT" >&2

row() { # LABEL FILE...: one line of raw/gzip/brotli sums over the files
  local label="$1" raw=0 gz=0 br=0 f; shift
  for f in "$@"; do
    raw=$((raw + $(stat -c%s "$f")))
    gz=$((gz + $(gzip -9c "$f" | wc -c)))
    br=$((br + $(brotli -c -q 11 "$f" | wc -c)))
  done
  printf '%-22s %9d %9d %9d\n' "$label" "$raw" "$gz" "$br"
}

printf '\n%-22s %9s %9s %9s\n' "file" "raw" "gzip" "brotli"
row "wasm" "$OUT/security_info_bg.wasm"
row "js glue" "$OUT/security_info.js"
row "js wrapper" "$OUT/security-info.js"
row "css" "$OUT/security-info.css"
row "total" "$OUT/security_info_bg.wasm" "$OUT/security_info.js" "$OUT/security-info.js" \
  "$OUT/security-info.css"
printf '%-22s %9s %9s %9d\n' "budget (60 KiB)" "" "" $((60 * 1024))

# The package's wasm has no names; the breakdown binds the same unstripped build again and
# optimises it like build-pkg.sh (-Oz) but keeps the name section (-g), so the figures are
# post-optimisation code sizes that add up to the package's code section.
wasm-bindgen --target web --out-dir "$SCRATCH/named" --out-name named \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/security_info.wasm"
wasm-opt -Oz -g "$SCRATCH/named/named_bg.wasm" -o "$SCRATCH/named/named_bg.wasm"
printf '\nwasm code per crate (after wasm-opt):\n'
python3 "$ROOT/scripts/wasm-sizes.py" "$SCRATCH/named/named_bg.wasm" "${TOP_CRATES:-15}" \
  "${TOP_FUNCTIONS:-0}"
