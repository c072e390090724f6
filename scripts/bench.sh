#!/usr/bin/env bash
# Every benchmark in one command (not part of scripts/test.sh): bundle size with the goal,
# then load and interaction times in Chromium (scripts/bench-speed.mjs) against a release
# server and the split front end, the core's operations natively and in headless Chromium
# (scripts/bench-core.sh), and the server's throughput with oha on SQLite and PostgreSQL
# (scripts/bench-server.sh). Ends with one table: every figure beside its goal. Figures,
# never assertions. BENCHMARKS.md has the last run.
# Usage: scripts/bench.sh   (RUNS=N for the speed runs, default 11; ONLY="size speed core
#        server" runs a subset; DURATION/CONNECTIONS/DATABASES: see bench-server.sh)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ONLY="${ONLY:-size speed core server}"
export RESULTS
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
wants() { [[ " $ONLY " == *" $1 "* ]]; }
failed=()

setup_web_build
setup_server_build
setup_browser_tools
if wants size; then
  say "size"
  "$ROOT/scripts/bench-size.sh" || failed+=(size)
fi
if wants speed || wants server; then
  cargo build --release --locked -p security-info-server
fi
if wants speed; then
  say "speed"
  if build_front_end >/dev/null; then
    RUNS="${RUNS:-11}" SECURITY_INFO_SERVER_BIN="$TARGET_DIR/release/security-info-server" \
      SECURITY_INFO_DIST="$ROOT/dist" node "$ROOT/scripts/bench-speed.mjs" || failed+=(speed)
  else
    failed+=(speed)
  fi
fi
if wants core; then
  say "core"
  "$ROOT/scripts/bench-core.sh" || failed+=(core)
fi
if wants server; then
  say "server"
  "$ROOT/scripts/bench-server.sh" || failed+=(server)
fi

# bench-server.sh writes its own columns; the others write figure, value, goal, verdict.
printf '\n%-46s %-34s %-22s %s\n' "figure" "value" "goal" "verdict"
awk -F'\t' 'NF == 4 { printf "%-46s %-34s %-22s %s\n", $1, $2, $3, $4 }' "$RESULTS"
awk -F'\t' 'NF == 7 {
  goal = ($2 == "health") ? "ceiling" : ($2 == "code verify") ? "≥ 0.5× /health" : "≥ 0.8× /health"
  bar = ($2 == "code verify") ? 0.5 : 0.8
  verdict = ($2 == "health") ? "-" : ($6 + 0 >= bar) ? "met" : "MISSED"
  printf "%-46s %-34s %-22s %s\n", "server " $1 ": " $2 " req/s (ratio)", $3 " (" $6 "×)", goal, verdict
  printf "%-46s %-34s %-22s %s\n", "server " $1 ": " $2 " p50 / p99", $4 " / " $5 " ms", "p99 < 10 ms", ($5 + 0 < 10) ? "met" : "MISSED"
}' "$RESULTS"
printf 'machine: %s cores (%s), load average before the table: %s\n' "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${#failed[@]}" -gt 0 ]; then
  say "failed: ${failed[*]}"
  exit 1
fi
