#!/usr/bin/env bash
# Set-up + run the demo: builds the front end in release mode (Trunk) and starts the
# reference server, which serves it and /api with an embedded SQLite database under
# ./data/. Ctrl-C stops it. PORT=8080 by default.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${PORT:-8080}"

ensure_wasm_target
setup_server_tools
ensure_wasm_bindgen
ensure_trunk
ensure_npm

say "building the front end (release, size-optimised)"
trunk build --release
say "building the server"
cargo build --release -p security-info-server

say "starting the demo"
exec "$TARGET_DIR/release/security-info-server" --demo \
  --listen "127.0.0.1:$PORT" --static-dir "$ROOT/dist" --data-dir "$ROOT/data"
