#!/usr/bin/env bash
# Builds the npm package folder a portal installs (`npm install ./dist/pkg` or the tarball
# from `npm pack dist/pkg`): the ES module wrapper with the custom element, the wasm-bindgen
# glue, the size-optimised wasm, the stylesheet and the TypeScript declarations.
# Usage: scripts/build-pkg.sh [OUT_DIR]   (default dist/pkg)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT="${1:-$ROOT/dist/pkg}"
mkdir -p "$OUT"
cargo build --lib --profile wasm-release --target wasm32-unknown-unknown -p security-info
wasm-bindgen --target web --out-dir "$OUT" --out-name security_info \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/security_info.wasm"
wasm-opt -Oz "$OUT/security_info_bg.wasm" -o "$OUT/security_info_bg.wasm"
rm -f "$OUT"/security_info.d.ts "$OUT"/security_info_bg.wasm.d.ts
cp "$ROOT"/www/pkg/{security-info.js,security-info.d.ts,package.json,README.md} "$ROOT/www/security-info.css" "$OUT/"
say "package in $OUT"
for f in "$OUT"/security_info_bg.wasm "$OUT"/security_info.js "$OUT"/security-info.js "$OUT"/security-info.css; do
  printf '  %-24s raw %7d  gzip %6d  brotli %6d\n' "$(basename "$f")" "$(stat -c%s "$f")" \
    "$(gzip -9c "$f" | wc -c)" "$(brotli -c -q 11 "$f" | wc -c)"
done
