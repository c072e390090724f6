#!/usr/bin/env bash
# Size benchmark for the npm package (goal: first load — main wasm, JS glue, split link
# module, wrapper, CSS — ≤ 60 KiB brotli; the dialogs' chunks are fetched later).
# Builds the package with scripts/build-pkg.sh into a scratch folder (so a running demo or
# e2e run keeps its dist/pkg), prints raw/gzip/brotli for the first load and the chunks,
# then where the main wasm's bytes go per crate (TOP_FUNCTIONS=N: the N largest functions).
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
  printf '%-26s %9d %9d %9d\n' "$label" "$raw" "$gz" "$br"
  LAST_BR="$br"
}

main=("$OUT"/security_info_bg-*.wasm)
glue=("$OUT"/security_info-*.js)
link=("$OUT"/__wasm_split-*.js)
printf '\n%-26s %9s %9s %9s\n' "file" "raw" "gzip" "brotli"
row "main wasm" "${main[@]}"
row "js glue" "${glue[@]}"
row "split link module" "${link[@]}"
row "js wrapper" "$OUT/security-info.js"
row "css" "$OUT/security-info.css"
row "first load" "${main[@]}" "${glue[@]}" "${link[@]}" "$OUT/security-info.js" "$OUT/security-info.css"
first_load="$LAST_BR"
printf '%-26s %9s %9s %9d\n' "goal (60 KiB)" "" "" $((60 * 1024))
row "chunks (on first use)" "$OUT"/split_*.wasm "$OUT"/chunk_*.wasm
# RESULTS=FILE: the figures for scripts/bench.sh's table (figure, value, goal, verdict).
if [ -n "${RESULTS:-}" ]; then
  printf 'size: first load, brotli\t%s B (%.1f KiB)\t≤ 61440 B (60 KiB)\t%s\n' "$first_load" \
    "$(awk -v b="$first_load" 'BEGIN { print b / 1024 }')" "$([ "$first_load" -le 61440 ] && echo met || echo MISSED)" >>"$RESULTS"
  printf 'size: all chunks, brotli\t%s B\t(reported)\t-\n' "$LAST_BR" >>"$RESULTS"
fi

# The package's wasm has no names; the breakdown splits the same build again and optimises
# its main module like build-split.sh (-Oz) but keeps the name section (-g).
wasm-split-cli "$TARGET_DIR/split/wasm32-unknown-unknown/wasm-release/security_info.wasm" \
  "$SCRATCH/named-split" --out-name named --target web >/dev/null 2>&1
wasm-bindgen --target web --keep-lld-exports --out-dir "$SCRATCH/named" --out-name named \
  "$SCRATCH/named-split/named.wasm"
wasm-opt -Oz -g "$SCRATCH/named/named_bg.wasm" -o "$SCRATCH/named/named_bg.wasm"
printf '\nmain wasm code per crate (after wasm-opt):\n'
python3 "$ROOT/scripts/wasm-sizes.py" "$SCRATCH/named/named_bg.wasm" "${TOP_CRATES:-15}" \
  "${TOP_FUNCTIONS:-0}"
