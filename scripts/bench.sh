#!/usr/bin/env bash
# Every benchmark in one command (not part of scripts/test.sh): bundle size with the goal,
# then load and interaction times in Chromium (scripts/bench-speed.mjs) against a release
# server and the split front end. Figures, never assertions. BENCHMARKS.md has the last run.
# Usage: scripts/bench.sh   (RUNS=N for the speed runs, default 11)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_web_build
setup_browser_tools
say "size"
"$ROOT/scripts/bench-size.sh"
say "speed"
build_front_end >/dev/null
cargo build --release --locked -p security-info-server
RUNS="${RUNS:-11}" SECURITY_INFO_SERVER_BIN="$TARGET_DIR/release/security-info-server" \
  SECURITY_INFO_DIST="$ROOT/dist" node "$ROOT/scripts/bench-speed.mjs"
