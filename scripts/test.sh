#!/usr/bin/env bash
# Every check, from a fresh Debian machine: set-up, formatting, lints (native + wasm32),
# native tests, browser tests in headless Chromium, server tests (SQLite + PostgreSQL).
# Prints a table of stages with their durations; exits non-zero when any stage failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A one-shot CI run gains nothing from incremental caches (they were a third of the target's
# size); a developer's repeated runs keep them.
[ "${CI:-}" = true ] && export CARGO_INCREMENTAL=0

# "cmd || status" inside stage() turns off errexit, so steps check their own results.
setup() {
  setup_web_build && setup_server_build && setup_browser_tools
}

fmt() { cargo fmt --all -- --check; }
# Modules depend one way only (ARCHITECTURE.md); a cycle fails the run.
module_cycles() { python3 "$ROOT/scripts/check-cycles.py" src crates/core/src crates/server/src crates/device/src; }
clippy_native() { cargo clippy --workspace --all-targets --locked -- -D warnings; }
clippy_wasm() {
  cargo clippy --target wasm32-unknown-unknown --locked -p security-info -p security-info-core \
    --all-targets -- -D warnings
}
# Includes the core's property-based fuzzing (crates/core/tests/fuzz.rs), here with
# 10,000 cases per property whatever PROPTEST_CASES the caller has; its result line is
# repeated at the end.
native_tests() {
  local log="$CACHE_DIR/native-tests.log"
  # The device CLI's tests (crates/device/tests/cli.rs) run against the server binary.
  cargo build -p security-info-server --locked || return 1
  SECURITY_INFO_SERVER_BIN="$TARGET_DIR/debug/security-info-server" PROPTEST_CASES=10000 cargo test --workspace --exclude security-info-server --locked 2>&1 |
    tee "$log"
  local status=${PIPESTATUS[0]} fuzz
  fuzz=$(awk '/Running tests\/fuzz.rs/ {f = 1} f && /test result:/ {sub(/.*test result: /, ""); print; exit}' "$log")
  say "fuzz, 10,000 cases per property: ${fuzz:-did not run}"
  [ "$status" -eq 0 ] && [ -n "$fuzz" ]
}

# The HS256 secret test servers verify bearer tokens with; the browser tests sign their
# own tokens with it (the server has no endpoint that mints tokens for anyone).
TEST_JWT_SECRET="security-info-browser-tests-secret-0123456789"

# Starts the reference server in demo mode on a free loopback port with a fresh SQLite
# database; sets SERVER_URL and SERVER_PID. Extra arguments go to the server.
start_demo_server() {
  local log
  SERVER_DATA="$(mktemp -d)"; log="$SERVER_DATA/server.log"
  # Every test comes from 127.0.0.1: the per-client rate limit would be shared by all.
  "$TARGET_DIR/debug/security-info-server" --demo --listen 127.0.0.1:0 --data-dir "$SERVER_DATA" \
    --rate-limit-client 1000 --jwt-secret "$TEST_JWT_SECRET" \
    --jwt-issuer security-info-tests --jwt-audience security-info "$@" \
    >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    SERVER_URL="$(grep -Eo 'http://localhost:[0-9]+' "$log" | head -n1 || true)"
    [ -n "$SERVER_URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log"; return 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$SERVER_DATA"
}

# wasm-bindgen-test in headless Chromium against the real reference server (demo mode).
# The test page gets a fixed origin, which the server allows through CORS; the API URL
# and the JWT secret reach the tests at compile time.
browser_tests() {
  local log="$CACHE_DIR/browser-tests.log" wbt_port
  cargo build -p security-info-server --locked || return 1
  wbt_port="$(free_port)"
  start_demo_server --cors-origin "http://127.0.0.1:$wbt_port" || return 1
  WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$wbt_port" \
    SECURITY_INFO_TEST_API="${SERVER_URL/localhost/127.0.0.1}/api" \
    SECURITY_INFO_TEST_JWT_SECRET="$TEST_JWT_SECRET" \
    cargo test --target wasm32-unknown-unknown -p security-info --locked 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  stop_server
  local count
  count=$(grep -Eo 'test result: [a-z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
  say "browser tests: $count passed in headless Chromium ($(chromium --version 2>/dev/null))"
  [ "$status" -eq 0 ] && [ "$count" -gt 0 ]
}

# The server's own suite: SQLite, PostgreSQL, two instances, schemathesis.
server_tests() { "$ROOT/scripts/test-server.sh"; }

# Playwright (playwright-core on Debian's Chromium) against the demo exactly as
# scripts/demo.sh builds it: the split release front end, the npm package, the real
# server. The Trunk build (the unsplit development loop) must keep building too.
e2e_tests() {
  local log="$CACHE_DIR/e2e.tap"
  trunk build --release --dist "$TARGET_DIR/trunk-dist" || return 1
  build_front_end || return 1
  # One build for both binaries: the push e2e runs the companion device CLI.
  cargo build -p security-info-server -p security-info-device --locked || return 1
  SECURITY_INFO_SERVER_BIN="$TARGET_DIR/debug/security-info-server" \
    SECURITY_INFO_DEVICE_BIN="$TARGET_DIR/debug/security-info-device" \
    node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$log" tests/e2e/
  local status=$?
  local pass fail
  pass=$(awk '/^# pass/ {print $3}' "$log"); fail=$(awk '/^# fail/ {print $3}' "$log")
  say "end-to-end tests: ${pass:-0} passed, ${fail:-?} failed (Playwright, $(chromium --version 2>/dev/null))"
  [ "$status" -eq 0 ] && [ "${pass:-0}" -gt 0 ]
}

stage "set-up (packages, tools)" setup
stage "cargo fmt --check" fmt
stage "module cycles" module_cycles
stage "clippy native" clippy_native
stage "clippy wasm32" clippy_wasm
stage "native tests" native_tests
stage "browser tests (headless Chromium)" browser_tests
stage "server tests (SQLite, PostgreSQL, schemathesis)" server_tests
stage "end-to-end tests (Playwright)" e2e_tests
# The build's footprint, so a run that nears the disk's limit shows it before it fails.
say "target directory: $(du -sh "$TARGET_DIR" 2>/dev/null | cut -f1); free: $(df -h --output=avail "$TARGET_DIR" 2>/dev/null | tail -1)"
summary
