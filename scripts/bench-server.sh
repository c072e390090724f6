#!/usr/bin/env bash
# Server throughput with oha (pinned, installed here when missing): GET /health (the
# ceiling: one `SELECT 1`), the security-info read (GET /me/security-info with a bearer
# token) and a code verification (POST /me/step-up with the user's current TOTP code),
# each for DURATION against the release server on SQLite, then on a throwaway PostgreSQL
# 15 (as scripts/test-server.sh starts one). Prints req/s, p50 and p99 and the ratio to
# /health measured in the same run. Figures, never assertions; not part of scripts/test.sh.
#
# The verification: the user enrols an authenticator app first (start + finish with a
# code, as the wizard does), then every request sends the code of the current step. The
# first one steps up (200); the others check the code under the rate limits and are then
# refused as a reused code (422): the whole path of a guess — the bucket reservation, the
# code check against the decrypted secret, the user's lock — runs for each. The limits are
# raised so the run measures verifications, not 429s (concurrent requests hold
# reservations, and all of them come from one address).
#
# Usage: scripts/bench-server.sh   (DURATION=20s CONNECTIONS=32; DATABASES="sqlite postgres";
#        RESULTS=FILE also appends "database<TAB>endpoint<TAB>req/s<TAB>p50 ms<TAB>p99 ms<TAB>ratio"
#        lines to FILE for scripts/bench.sh's table)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OHA_VERSION=1.16.0
DURATION="${DURATION:-20s}" # at most 30s: the step-up code must stay valid
CONNECTIONS="${CONNECTIONS:-32}"
DATABASES="${DATABASES:-sqlite postgres}"
SERVER_BIN="${SECURITY_INFO_SERVER_BIN:-$TARGET_DIR/release/security-info-server}"
JWT_SECRET="security-info-bench-secret-0123456789abcdef"
WORK="$(mktemp -d)"
SERVER_PID=""
PG_DIR=""

cleanup() {
  stop_bench_server
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT


# oha needs one TLS backend to build: the system OpenSSL the server links already
# (native-tls), not the default rustls with its aws-lc C build. Requests stay plain HTTP.
ensure_cargo_tool oha oha "$OHA_VERSION" --locked --no-default-features --features native-tls
ensure_apt postgresql
[ -x "$SERVER_BIN" ] || cargo build --release --locked -p security-info-server

# Durable commits (fsync on), unlike the test suite's throwaway: a benchmark of writes
# should pay what production pays.
start_bench_postgres() { start_postgres -c max_connections=100; }

# start_bench_server DATABASE_URL: the release server (not demo mode) with bearer tokens
# and the raised limits; sets BASE.
start_bench_server() {
  local port; port="$(free_port)"
  DATABASE_URL="$1" "$SERVER_BIN" --listen "127.0.0.1:$port" --data-dir "$WORK/data-$port" \
    --jwt-secret "$JWT_SECRET" --jwt-issuer security-info-bench --jwt-audience security-info \
    --rate-limit-user 1000000000 --rate-limit-client 1000000000 \
    >"$WORK/server-$port.log" 2>&1 </dev/null &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$port/api"
  local i
  for i in $(seq 1 100); do
    curl -fsS "$BASE/health" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  cat "$WORK/server-$port.log"
  return 1
}

stop_bench_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# A bearer token for the bench user; enrols its authenticator app (secret: the bytes
# 1..20) and prints two lines: the token and the method's id.
prepare_user() {
  BASE="$BASE" JWT_SECRET="$JWT_SECRET" python3 - <<'EOF'
import base64, hashlib, hmac, json, os, struct, time, urllib.request
base, secret = os.environ["BASE"], os.environ["JWT_SECRET"].encode()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
part = lambda o: b64(json.dumps(o, separators=(",", ":")).encode())
claims = {"sub": "bench-user", "exp": int(time.time()) + 3600,
          "iss": "security-info-bench", "aud": "security-info", "email": "bench@example.org"}
signing_input = part({"alg": "HS256", "typ": "JWT"}) + "." + part(claims)
token = signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())

def call(method, path, body=None):
    request = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")

def code(key, step):  # RFC 6238: SHA1, 6 digits
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7fffffff) % 10**6)

key = bytes(range(1, 21))
enrolment = call("POST", "/me/methods/totp/start", {})
method = call("POST", "/me/methods/totp", {"enrollmentId": enrolment["enrollmentId"],
    "secret": base64.b32encode(key).decode().rstrip("="), "code": code(key, int(time.time()) // 30)})
print(token)
print(method["id"])
EOF
}

# The step-up body with the code of the current step: accepted (±1 step) for at least
# 30 s more, so through a whole run of DURATION ≤ 30 s.
step_up_body() {
  python3 - "$1" <<'EOF'
import hashlib, hmac, json, struct, sys, time
mac = hmac.new(bytes(range(1, 21)), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = mac[-1] & 15
code = "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7fffffff) % 10**6)
print(json.dumps({"methodId": sys.argv[1], "code": code}))
EOF
}

# run_oha DATABASE LABEL OHA-ARGS...: one run; appends a result line to $WORK/results.
run_oha() {
  local database="$1" label="$2"; shift 2
  local out="$WORK/oha-$database-${label//[^a-z]/_}.json"
  # -w: requests in flight at the deadline finish (else each counts as an error).
  oha --no-tui --output-format json -w -z "$DURATION" -c "$CONNECTIONS" "$@" >"$out"
  python3 - "$database" "$label" "$out" >>"$WORK/results" <<'EOF'
import json, sys
database, label, path = sys.argv[1:]
data = json.load(open(path))
summary, percentiles = data["summary"], data["latencyPercentiles"]
statuses = ",".join(f"{k}:{v}" for k, v in sorted(data.get("statusCodeDistribution", {}).items()))
errors = sum(data.get("errorDistribution", {}).values())
print("\t".join([database, label, "%.0f" % summary["requestsPerSec"],
    "%.2f" % (percentiles["p50"] * 1000), "%.2f" % (percentiles["p99"] * 1000),
    statuses + (f",errors:{errors}" if errors else "")]))
EOF
}

bench_database() {
  local database="$1" url="$2"
  start_bench_server "$url" || return 1
  local lines token method
  mapfile -t lines < <(prepare_user)
  token="${lines[0]}"; method="${lines[1]}"
  say "$database: /health, security-info read, code verify ($DURATION each, $CONNECTIONS connections)"
  run_oha "$database" "health" "$BASE/health"
  run_oha "$database" "security-info read" -H "Authorization: Bearer $token" "$BASE/me/security-info"
  run_oha "$database" "code verify" -m POST -T application/json -d "$(step_up_body "$method")" \
    -H "Authorization: Bearer $token" "$BASE/me/step-up"
  stop_bench_server
}

: >"$WORK/results"
for database in $DATABASES; do
  case "$database" in
    sqlite) bench_database sqlite "sqlite://$WORK/bench.db?mode=rwc" ;;
    postgres) start_bench_postgres && bench_database postgres "$PG_URL" ;;
    *) echo "unknown database $database" >&2; exit 2 ;;
  esac
done

# Ratios to /health of the same database in this run; goals: reads ≥ 0.8×, verifies
# ≥ 0.5×, p99 < 10 ms.
python3 - "$WORK/results" "${RESULTS:-}" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
health = {r[0]: float(r[2]) for r in rows if r[1] == "health"}
goals = {"health": "ceiling", "security-info read": ">= 0.8x", "code verify": ">= 0.5x"}
out = open(sys.argv[2], "a") if sys.argv[2] else None
print("\n%-10s %-20s %9s %8s %8s %7s %-9s %s" % ("database", "endpoint", "req/s", "p50 ms", "p99 ms", "ratio", "goal", "statuses"))
for database, label, rps, p50, p99, statuses in rows:
    ratio = float(rps) / health[database] if health.get(database) else 0.0
    print("%-10s %-20s %9s %8s %8s %6.2fx %-9s %s" % (database, label, rps, p50, p99, ratio, goals[label], statuses))
    if out:
        out.write("\t".join([database, label, rps, p50, p99, "%.2f" % ratio, statuses]) + "\n")
print("goal: p99 < 10 ms everywhere")
EOF
