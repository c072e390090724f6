# Shared by scripts/test.sh and scripts/demo.sh: idempotent set-up from a fresh Debian
# machine, and stage timing. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# Honour a target dir set from outside (CI points it at a cache folder).
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/security-info"
mkdir -p "$CACHE_DIR"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- set-up ------------------------------------------------------------------------

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Installs the Debian packages that are missing (one apt-get run for all of them).
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
  fi
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown ||
    rustup target add wasm32-unknown-unknown
}

# The wasm-bindgen version Cargo.lock resolved: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# cargo install NAME at exactly VERSION unless that version is already on PATH.
ensure_cargo_tool() {
  local crate="$1" bin="$2" version="$3"; shift 3
  if ! "$bin" --version 2>/dev/null | grep -q " $version"; then
    say "cargo install $crate $version (one-time, several minutes)"
    cargo install "$crate" --version "$version" "$@"
  fi
}

ensure_wasm_bindgen() {
  # No --locked: the CLI's own lockfile pins a webpki-roots version the registry lacks.
  ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$(wasm_bindgen_version)"
}

ensure_trunk() {
  # 0.22 needs a newer rustc than the machine's 1.95.
  ensure_cargo_tool trunk trunk 0.21.14 --locked
}

# The split step of release builds (scripts/build-split.sh); Trunk cannot run it.
ensure_wasm_split() {
  if ! cargo install --list | grep -q '^wasm_split_cli_support v0.2.4:'; then
    say "cargo install wasm_split_cli_support 0.2.4 (one-time, a few minutes)"
    cargo install wasm_split_cli_support --version 0.2.4 --features build-binary --locked
  fi
}

# npm packages (wasm-opt from binaryen 132, Playwright, axe-core) from package-lock.json;
# reinstalled only when the lock file changed.
ensure_npm() {
  local stamp="$ROOT/node_modules/.lock-stamp"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

# What building the front end needs: Rust's wasm target, wasm-bindgen-cli, Trunk,
# wasm-split-cli, npm
# packages (wasm-opt), brotli/gzip for precompressed assets.
setup_web_build() {
  ensure_apt brotli gzip
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_trunk
  ensure_wasm_split
  ensure_npm
}

# What building the server needs beyond Rust: webauthn-rs links OpenSSL (openssl-sys
# finds it through pkg-config).
setup_server_build() {
  ensure_apt libssl-dev pkg-config
}

setup_browser_tools() {
  ensure_apt chromium chromium-driver
}

# Writes .br and .gz next to each text asset and wasm file below DIR; the server sends
# them to browsers that accept them.
precompress() {
  find "$1" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
    -print0 | while IFS= read -r -d '' f; do
    brotli -f -k -q 11 "$f"
    gzip -f -k -9 "$f"
  done
}

# The demo page (dist/) and the npm package (dist/pkg/), both split release builds,
# precompressed: what scripts/demo.sh serves and the end-to-end tests drive.
build_front_end() {
  rm -rf "$ROOT/dist"
  "$ROOT/scripts/build-split.sh" demo "$ROOT/dist" &&
    "$ROOT/scripts/build-pkg.sh" "$ROOT/dist/pkg" &&
    precompress "$ROOT/dist"
}

# --- stages ------------------------------------------------------------------------

STAGE_NAMES=()
STAGE_TIMES=()
STAGE_RESULTS=()

# stage NAME COMMAND...: runs a stage, records its duration and result, keeps going.
stage() {
  local name="$1"; shift
  say "$name"
  local start=$SECONDS status=0
  "$@" || status=$?
  STAGE_NAMES+=("$name")
  STAGE_TIMES+=("$((SECONDS - start))")
  if [ "$status" -eq 0 ]; then STAGE_RESULTS+=("ok"); else STAGE_RESULTS+=("FAILED ($status)"); fi
  return 0
}

# Prints the table of stages; returns non-zero when any failed.
summary() {
  local failed=0 i
  printf '\n%-40s %8s  %s\n' "stage" "seconds" "result"
  for i in "${!STAGE_NAMES[@]}"; do
    printf '%-40s %8s  %s\n' "${STAGE_NAMES[$i]}" "${STAGE_TIMES[$i]}" "${STAGE_RESULTS[$i]}"
    [ "${STAGE_RESULTS[$i]}" = "ok" ] || failed=1
  done
  printf '%-40s %8s\n' "total" "$SECONDS"
  return "$failed"
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A throwaway PostgreSQL 15 on a free loopback port, for the server tests and benchmarks.
# initdb refuses to run as root: it runs as the postgres user then. Sets PG_DIR and PG_URL;
# the arguments are extra server settings (`-c name=value`). stop_postgres removes it.
PG_BIN=/usr/lib/postgresql/15/bin
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
start_postgres() {
  PG_DIR="$(mktemp -d)"
  chmod 700 "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DIR"; fi
  local port; port="$(free_port)"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U app --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' $*" \
    start >/dev/null || { cat "$PG_DIR/log"; return 1; }
  export PG_URL="postgres://app@127.0.0.1:$port/postgres"
}
stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "${PG_DIR:-}" ]; then rm -rf "$PG_DIR"; fi
}
