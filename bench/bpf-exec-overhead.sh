#!/usr/bin/env bash
# Prints the wall time of N fork+exec of /bin/true (and N opens of a
# sensitive + a non-sensitive file) without and with tracehound-loader
# running. Figures only, no pass/fail. Needs root and a built loader.
set -euo pipefail
N=${N:-20000}
LOADER=${LOADER:-$(dirname "$0")/../bpf/.output/tracehound-loader}
work() {
  local t0 t1
  t0=$(date +%s.%N); for ((i = 0; i < N; i++)); do /bin/true; done; t1=$(date +%s.%N)
  printf '  %-8s %6d execs  %.2f s  (%.1f us/exec)\n' "$1" "$N" "$(echo "$t1 - $t0" | bc)" "$(echo "($t1 - $t0) * 1000000 / $N" | bc -l)"
  python3 - "$1" "$N" <<'PY'
import os, sys, time
n = int(sys.argv[2])
for path in ("/etc/hostname", "/etc/shadow"):
    t = time.perf_counter()
    for _ in range(n):
        os.close(os.open(path, os.O_RDONLY))
    dt = time.perf_counter() - t
    print("  %-8s %6d opens %-14s %.3f s  (%.2f us/open)" % (sys.argv[1], n, path, dt, dt * 1e6 / n))
PY
}
echo "baseline (no loader):"; work off
"$LOADER" --stats-interval 0 >/dev/null 2>/tmp/bpf-bench.stderr </dev/null & LPID=$!
sleep 3
echo "with tracehound-loader (pid $LPID, stdout to /dev/null):"; work on
kill -TERM "$LPID"; wait "$LPID" || true
