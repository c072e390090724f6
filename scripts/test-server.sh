#!/usr/bin/env bash
# Tests of the reference server (crates/server), from a fresh Debian machine:
#   1. integration tests on SQLite,
#   2. the same tests on a throwaway PostgreSQL 15 (Debian package, loopback port, temp dir),
#   3. the two-instance scale test on that PostgreSQL,
#   4. an authenticated schemathesis run against {base}/openapi.json of the running server.
# Prints the test counts per database and the schemathesis result; exits non-zero on any
# failure. Honours CARGO_TARGET_DIR; works as root under CI=true with no stdin.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
VENV="$CACHE_DIR/venv-schemathesis"
SCHEMATHESIS_TIME="${SCHEMATHESIS_TIME:-60}"
WORK="$(mktemp -d)"
PG_DIR=""
SERVER_PID=""
declare -A COUNTS=()

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT


setup() {
  setup_server_build
  # openssl and python3-aiosmtpd: the real SMTP receiver of tests/delivery.rs.
  ensure_apt postgresql curl openssl python3-aiosmtpd
  if ! /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null; then ensure_apt python3-venv; fi
  if ! "$VENV/bin/schemathesis" --version >/dev/null 2>&1; then
    say "installing schemathesis into $VENV"
    rm -rf "$VENV"
    /usr/bin/python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4.32,<5'
  fi
  "$VENV/bin/schemathesis" --version
}

build() { cargo test -p security-info-server --locked --no-run; }

start_test_postgres() {
  start_postgres -c fsync=off -c max_connections=300 || return 1
  say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on ${PG_URL#postgres://app@}"
}

# run_tests LABEL CARGO-TEST-ARGS...: runs, records the number of passed tests.
run_tests() {
  local label="$1"; shift
  local log="$WORK/tests-${label// /-}.log"
  cargo test -p security-info-server --locked "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local count
  count=$(grep -Eo 'test result: [a-z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
  COUNTS[$label]="$count passed$([ "$status" -eq 0 ] || echo ', FAILED')"
  say "server tests on $label: ${COUNTS[$label]}"
  [ "$status" -eq 0 ] && [ "$count" -gt 0 ]
}

tests_sqlite() { TEST_DATABASE_URL="" run_tests "SQLite"; }
tests_postgres() { TEST_DATABASE_URL="$PG_URL" run_tests "PostgreSQL"; }
scale_postgres() { TEST_DATABASE_URL="$PG_URL" run_tests "PostgreSQL, two instances" --test scale; }

# The real server in demo mode on PostgreSQL, fuzzed through its own OpenAPI document
# with an administrator's bearer token (so the admin routes are reached too).
schemathesis_run() {
  local db_url="${PG_URL%/postgres}/schemathesis"
  "$PG_BIN/psql" "$PG_URL" -qc "CREATE DATABASE schemathesis" >/dev/null
  local port; port="$(free_port)"
  local secret="schemathesis-jwt-secret-0123456789abcdef"
  DATABASE_URL="$db_url" "$TARGET_DIR/debug/security-info-server" --demo \
    --listen "127.0.0.1:$port" --data-dir "$WORK/schemathesis-data" \
    --jwt-secret "$secret" --jwt-issuer security-info-tests --jwt-audience security-info \
    >"$WORK/server.out" 2>"$WORK/server.err" </dev/null &
  SERVER_PID=$!
  local base="http://127.0.0.1:$port/api" i
  for i in $(seq 1 100); do
    curl -fsS "$base/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local token
  # An administrator's HS256 token, signed here with the server's secret (stdlib only).
  token=$(JWT_SECRET="$secret" python3 -c '
import base64, hashlib, hmac, json, os, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
part = lambda o: b64(json.dumps(o, separators=(",", ":")).encode())
claims = {"sub": "schemathesis", "exp": int(time.time()) + 3600, "roles": ["admin"],
          "iss": "security-info-tests", "aud": "security-info"}
signing_input = part({"alg": "HS256", "typ": "JWT"}) + "." + part(claims)
signature = hmac.new(os.environ["JWT_SECRET"].encode(), signing_input.encode(), hashlib.sha256).digest()
print(signing_input + "." + b64(signature))')
  local status=0
  # From the work directory: schemathesis keeps a .schemathesis/ cache in the current one.
  (cd "$WORK" && "$VENV/bin/schemathesis" run "$base/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --max-time "$SCHEMATHESIS_TIME" \
    -H "Authorization: Bearer $token" -H "x-security-info-csrf: 1" \
    >"$WORK/schemathesis.log" 2>&1) || status=$?
  tail -n 25 "$WORK/schemathesis.log"
  if grep -q "request failed" "$WORK/server.err"; then
    say "the server logged internal errors:"; grep "request failed" "$WORK/server.err" | head -5
    status=1
  fi
  SCHEMATHESIS_RESULT="$(grep -E '^\s*Test cases:' -A1 "$WORK/schemathesis.log" | tail -n 1 | xargs) (exit $status)"
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  return "$status"
}

SCHEMATHESIS_RESULT="not run"
stage "server: set-up (postgresql, schemathesis)" setup
stage "server: build tests" build
stage "server: tests on SQLite" tests_sqlite
stage "server: start PostgreSQL" start_test_postgres
if [ -n "${PG_URL:-}" ]; then
  stage "server: tests on PostgreSQL" tests_postgres
  stage "server: scale test (2 instances, PostgreSQL)" scale_postgres
  stage "server: schemathesis" schemathesis_run
fi

printf '\nserver test counts:\n'
for label in "SQLite" "PostgreSQL" "PostgreSQL, two instances"; do
  printf '  %-28s %s\n' "$label" "${COUNTS[$label]:-not run}"
done
printf '  %-28s %s\n' "schemathesis" "$SCHEMATHESIS_RESULT"
summary
