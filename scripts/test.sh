#!/usr/bin/env bash
# Every check, from a fresh Debian machine: set-up, formatting, lints (native + wasm32),
# native tests, browser tests in headless Chromium, server tests (SQLite + PostgreSQL).
# Prints a table of stages with their durations; exits non-zero when any stage failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

setup() {
  setup_browser_tools
  setup_server_tools
}

fmt() { cargo fmt --all -- --check; }
clippy_native() { cargo clippy --workspace --all-targets --locked -- -D warnings; }
clippy_wasm() {
  cargo clippy --target wasm32-unknown-unknown --locked -p security-info -p security-info-core \
    --all-targets -- -D warnings
}
native_tests() { cargo test --workspace --exclude security-info-server --locked; }

# wasm-bindgen-test in headless Chromium against the real reference server (demo mode),
# which allows the test page's fixed origin through CORS.
browser_tests() {
  local log="$CACHE_DIR/browser-tests.log"
  cargo test --target wasm32-unknown-unknown -p security-info --locked 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local count
  count=$(grep -Eo 'test result: [a-z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
  say "browser tests: $count passed in headless Chromium ($(chromium --version 2>/dev/null))"
  [ "$status" -eq 0 ] && [ "$count" -gt 0 ]
}

stage "set-up (packages, tools)" setup
stage "cargo fmt --check" fmt
stage "clippy native" clippy_native
stage "clippy wasm32" clippy_wasm
stage "native tests" native_tests
stage "browser tests (headless Chromium)" browser_tests
summary
