#!/usr/bin/env bash
# The core's hot operations (crates/core/benches/core.rs): natively with criterion, then
# the same code inside headless Chromium (wasm-bindgen-test's criterion, through
# chromedriver, built with the wasm-release profile the bundle ships with). Prints the
# time per operation and ops/s for both, and the wasm figures beside their goals: TOTP
# generate+verify ≥ 500k ops/s, QR SVG ≤ 0.5 ms. Figures, never assertions.
# Usage: scripts/bench-core.sh   (RESULTS=FILE appends "figure<TAB>value<TAB>goal<TAB>verdict")
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
LOGS="$(mktemp -d)"
# The wasm runner keeps its baseline in the package's folder (crates/core/target/).
trap 'rm -rf "$LOGS" "$ROOT/crates/core/target"' EXIT
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"

say "core benchmarks, native (criterion)"
cargo bench --locked -p security-info-core --bench core 2>&1 | tee "$LOGS/native.log"
say "core benchmarks, wasm in headless Chromium (wasm-bindgen-test criterion, wasm-release)"
cargo bench --locked --target wasm32-unknown-unknown -p security-info-core --bench core \
  --profile wasm-release 2>&1 | tee "$LOGS/wasm.log"

python3 - "$LOGS/native.log" "$LOGS/wasm.log" "${RESULTS:-}" <<'EOF'
import re, sys
UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
LINE = re.compile(r"^(.*?)\s*time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]")

def estimates(path):
    """criterion's point estimates in ns, by benchmark name (both harnesses print
    `name  time: [low estimate high]`, a long name on the line before)."""
    found, previous = {}, ""
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = re.sub(r"\x1b\[[0-9;]*m", "", raw).rstrip()
        m = LINE.match(line.strip())
        if m:
            name = m.group(1).strip() or previous
            found[name] = float(m.group(2)) * UNITS[m.group(3)]
        elif line.strip():
            previous = line.strip()
    return found

native, wasm = estimates(sys.argv[1]), estimates(sys.argv[2])
goals = {"totp generate+verify": ("ops", 500_000), "qr svg": ("ms", 0.5)}
rows = []
print("\n%-22s %12s %12s %12s %12s  %s" % ("operation", "native", "native op/s", "wasm", "wasm op/s", "goal (wasm)"))
for name in ["totp generate+verify", "totp wrong code", "qr svg", "secret generate"]:
    n, w = native.get(name), wasm.get(name)
    fmt_t = lambda ns: "-" if ns is None else ("%.3f ms" % (ns / 1e6) if ns >= 1e5 else "%.0f ns" % ns)
    fmt_r = lambda ns: "-" if ns is None else "{:,.0f}".format(1e9 / ns)
    goal, verdict = "", "-"
    if name in goals and w is not None:
        kind, bar = goals[name]
        if kind == "ops":
            goal, verdict = "≥ {:,} ops/s".format(bar), "met" if 1e9 / w >= bar else "MISSED"
        else:
            goal, verdict = "≤ %.1f ms" % bar, "met" if w / 1e6 <= bar else "MISSED"
    print("%-22s %12s %12s %12s %12s  %s" % (name, fmt_t(n), fmt_r(n), fmt_t(w), fmt_r(w), (goal + " " + verdict).strip()))
    rows.append(("core: %s, native" % name, "%s (%s/s)" % (fmt_t(n), fmt_r(n)), "", "-"))
    rows.append(("core: %s, wasm" % name, "%s (%s/s)" % (fmt_t(w), fmt_r(w)), goal, verdict))
if sys.argv[3]:
    with open(sys.argv[3], "a") as out:
        for row in rows:
            out.write("\t".join(row) + "\n")
if not native or not wasm:
    sys.exit("no criterion estimates found in the output")
EOF
