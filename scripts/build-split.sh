#!/usr/bin/env bash
# The split release build (Trunk cannot run the split step, trunk-rs/trunk#1022):
#   cargo (wasm-release, --features split, relocations kept) → wasm-split-cli (main + one
#   chunk per dialog, src/chunk) → wasm-bindgen --keep-lld-exports → scripts/shrink-main.py
#   (short import/export names, wasm-streams' unused classes dropped) → wasm-opt -Oz on main
#   and every chunk → terser on the JS → content-hashed names (split_/chunk_ prefixes kept).
# Usage: scripts/build-split.sh lib OUT_DIR    the npm package's wasm + glue (security_info*)
#        scripts/build-split.sh demo OUT_DIR   the demo page: index.html, boot.js, CSS, wasm
# Prints the hashed file names (NAME=file lines) on fd 3 when it is open.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KIND="${1:?lib or demo}"
OUT="${2:?output directory}"
# Its own target dir: other RUSTFLAGS would otherwise invalidate the normal build's cache.
# RUSTFLAGS replaces .cargo/config.toml's rustflags, so every --cfg kept is repeated here.
SPLIT_TARGET="$TARGET_DIR/split"
RUSTFLAGS_SPLIT="--cfg erase_components -Clink-args=--emit-relocs"

case "$KIND" in
  lib) cargo_args=(--lib); input=security_info; name=security_info ;;
  demo) cargo_args=(--bin security-info-demo); input=security-info-demo; name=security-info-demo ;;
  *) echo "usage: $0 lib|demo OUT_DIR" >&2; exit 2 ;;
esac

RUSTFLAGS="$RUSTFLAGS_SPLIT" CARGO_TARGET_DIR="$SPLIT_TARGET" cargo build --locked \
  --profile wasm-release --target wasm32-unknown-unknown -p security-info --features split \
  "${cargo_args[@]}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
wasm-split-cli "$SPLIT_TARGET/wasm32-unknown-unknown/wasm-release/$input.wasm" "$WORK/split" \
  --out-name "$name" --target web
# An unsplit wasm built with relocations is ~4× larger and imports loaders nothing
# provides: never ship one.
if ! compgen -G "$WORK/split/split_*.wasm" >/dev/null || [ ! -f "$WORK/split/__wasm_split.js" ]; then
  echo "build-split: wasm-split-cli produced no chunks; refusing to ship an unsplit build" >&2
  exit 1
fi
wasm-bindgen --target web --keep-lld-exports --no-typescript --out-dir "$WORK/out" \
  --out-name "$name" "$WORK/split/$name.wasm"
cp "$WORK/split/__wasm_split.js" "$WORK/out/"
for f in "$WORK/split"/split_*.wasm "$WORK/split"/chunk_*.wasm; do
  [ -f "$f" ] && cp "$f" "$WORK/out/"
done
python3 "$ROOT/scripts/shrink-main.py" "$WORK/out/${name}_bg.wasm" "$WORK/out/$name.js"
for f in "$WORK/out"/*.wasm; do wasm-opt -Oz "$f" -o "$f"; done

# Content hashes: chunks first (the link module names them), then one hash over
# everything for the glue and the link module, which import each other.
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
cd "$WORK/out"
for f in split_*.wasm chunk_*.wasm; do
  [ -f "$f" ] || continue
  hashed="${f%.wasm}-$(hash_of "$f").wasm"
  mv "$f" "$hashed"
  sed -i "s|\"./$f\"|\"./$hashed\"|g" __wasm_split.js
done
build="$(hash_of ./*)"
glue="$name-$build.js" link="__wasm_split-$build.js" main="${name}_bg-$build.wasm"
sed -i "s|\"./$name.js\"|\"./$glue\"|g" __wasm_split.js
# Only the import statement: the wasm's import module keeps its name in the imports object.
sed -i "s|from '\./__wasm_split\.js'|from './$link'|; s|from \"\./__wasm_split\.js\"|from \"./$link\"|; s|'${name}_bg\.wasm'|'$main'|g" "$name.js"
mv "$name.js" "$glue"; mv __wasm_split.js "$link"; mv "${name}_bg.wasm" "$main"
grep -q "from ['\"]\./$link['\"]" "$glue" || { echo "build-split: the glue does not import the link module" >&2; exit 1; }
# Minified (after the names are in; the hashes are of the same deterministic input): the
# glue and the link module are part of the first load.
for f in "$glue" "$link"; do terser "$f" --module --compress --mangle --output "$f"; done
cd "$ROOT"

mkdir -p "$OUT"
rm -f "$OUT/$name"-*.js "$OUT/${name}"_bg-*.wasm* "$OUT"/__wasm_split-*.js* "$OUT"/split_*.wasm* \
  "$OUT"/chunk_*.wasm*
cp "$WORK/out"/* "$OUT/"
if { true >&3; } 2>/dev/null; then
  printf 'GLUE=%s\nLINK=%s\nWASM=%s\n' "$glue" "$link" "$main" >&3
fi

if [ "$KIND" = demo ]; then
  # The page: what Trunk makes of index.html, without Trunk (hashed assets, external boot).
  declare -A asset=()
  for f in www/security-info.css www/demo.css www/boot.js www/favicon.svg; do
    base="$(basename "$f")"; hashed="${base%.*}-$(hash_of "$f").${base##*.}"
    cp "$f" "$OUT/$hashed"; asset[$base]="$hashed"
  done
  cat >"$OUT/index.html" <<EOF
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Security info — demo</title>
    <link rel="icon" href="/${asset[favicon.svg]}" />
    <link rel="stylesheet" href="/${asset[security-info.css]}" />
    <link rel="stylesheet" href="/${asset[demo.css]}" />
    <link rel="modulepreload" href="/$glue" />
    <link rel="modulepreload" href="/$link" />
    <link rel="preload" href="/$main" as="fetch" type="application/wasm" crossorigin />
    <script type="module" src="/${asset[boot.js]}" data-js="/$glue" data-wasm="/$main"></script>
  </head>
  <body></body>
</html>
EOF
fi
say "split build ($KIND) in $OUT"
for f in "$OUT/$main" "$OUT/$glue" "$OUT/$link" "$OUT"/split_*.wasm "$OUT"/chunk_*.wasm; do
  [[ "$f" == *.br || "$f" == *.gz ]] && continue
  printf '  %-48s raw %7d  gzip %6d  brotli %6d\n' "$(basename "$f")" "$(stat -c%s "$f")" \
    "$(gzip -9c "$f" | wc -c)" "$(brotli -c -q 11 "$f" | wc -c)"
done
