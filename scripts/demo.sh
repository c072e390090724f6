#!/usr/bin/env bash
# Set-up + run the demo: builds the front end (the split release build) and the npm package,
# and starts the reference server, which serves the demo and /api with an embedded SQLite
# database under ./data/, plus the "existing portal" example on a second origin.
# Ctrl-C stops it. PORT=8080 and PORTAL_PORT=8090 by default.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${PORT:-8080}"
PORTAL_PORT="${PORTAL_PORT:-8090}"

setup_web_build
setup_server_build

say "building the front end (split release build, size-optimised)"
build_front_end
say "building the server and the companion push device"
cargo build --release -p security-info-server -p security-info-device

say "try push: Add sign-in method → Authenticator app → Can't scan image?, then run
    $TARGET_DIR/release/security-info-device activate --code '<code>' --url '<URL>'
  and, on \"Let's try it out\", $TARGET_DIR/release/security-info-device approve --number <the number shown>"

say "starting the demo"
exec "$TARGET_DIR/release/security-info-server" --demo \
  --allowed-methods authenticator_push,totp,phone,security_key,email,security_questions \
  --listen "127.0.0.1:$PORT" --static-dir "$ROOT/dist" --data-dir "$ROOT/data" \
  --portal-listen "127.0.0.1:$PORTAL_PORT" --portal-dir "$ROOT/www/portal" \
  --portal-pkg-dir "$ROOT/dist/pkg"
