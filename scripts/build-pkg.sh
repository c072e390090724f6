#!/usr/bin/env bash
# Builds the npm package folder a portal installs (`npm install ./dist/pkg` or the tarball
# from `npm pack dist/pkg`): the ES module wrapper with the custom element, and the split
# release build (scripts/build-split.sh: the main wasm and its glue, which the first paint
# needs, and one chunk per dialog, fetched on first use or when the page is idle), the
# stylesheet and the TypeScript declarations.
# Usage: scripts/build-pkg.sh [OUT_DIR]   (default dist/pkg)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT="${1:-$ROOT/dist/pkg}"
mkdir -p "$OUT"
rm -f "$OUT"/security_info.js "$OUT"/security_info_bg.wasm
NAMES="$(mktemp)"
trap 'rm -f "$NAMES"' EXIT
"$ROOT/scripts/build-split.sh" lib "$OUT" 3>"$NAMES"
# shellcheck disable=SC1090
source "$NAMES"
cp "$ROOT"/www/pkg/{security-info.d.ts,package.json,README.md} "$OUT/"
# The stylesheet minified (comments and spaces only: no restructuring, so the cascade is
# the source's, www/security-info.css): it is part of the first load.
(cd "$ROOT" && node -e '
  const fs = require("fs");
  const [src, out] = process.argv.slice(1);
  fs.writeFileSync(out, require("csso").minify(fs.readFileSync(src, "utf8"), { restructure: false }).css);
' "$ROOT/www/security-info.css" "$OUT/security-info.css")
# The wrapper imports the glue and names the wasm by their hashed names.
sed -e "s|\"./security_info.js\"|\"./$GLUE\"|; s|\"./security_info_bg.wasm\"|\"./$WASM\"|" \
  "$ROOT/www/pkg/security-info.js" >"$OUT/security-info.js"
# Minified like the glue: it is part of the first load (the readable source is in www/pkg).
terser "$OUT/security-info.js" --module --compress --mangle --output "$OUT/security-info.js"
grep -q "$GLUE" "$OUT/security-info.js" && grep -q "$WASM" "$OUT/security-info.js" ||
  { echo "build-pkg: the wrapper does not name the build's files" >&2; exit 1; }
say "package in $OUT (first load: wrapper, glue, link module, main wasm, CSS)"
for f in "$OUT/$WASM" "$OUT/$GLUE" "$OUT/$LINK" "$OUT"/security-info.js "$OUT"/security-info.css; do
  printf '  %-44s raw %7d  gzip %6d  brotli %6d\n' "$(basename "$f")" "$(stat -c%s "$f")" \
    "$(gzip -9c "$f" | wc -c)" "$(brotli -c -q 11 "$f" | wc -c)"
done
