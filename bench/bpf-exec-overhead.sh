#!/usr/bin/env bash
# The kernel side's share of the exec cost: wall time of N fork+exec of /bin/true (and N opens
# of a sensitive and a non-sensitive file) without and with tracehound-loader running (stdout to
# /dev/null, no agent), ROUNDS times interleaved; with the loader, the CPU it used and the run
# time of each BPF program per exec (kernel.bpf_stats_enabled; machine-wide, so other work on
# the machine adds to it). Figures only, no pass/fail. Needs root, bpftool and a built loader.
set -euo pipefail
N=${N:-20000}
ROUNDS=${ROUNDS:-3}
LOADER=${LOADER:-$(dirname "$0")/../bpf/.output/tracehound-loader}
BPFTOOL=${BPFTOOL:-$(command -v bpftool || echo /usr/sbin/bpftool)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
execs() {
  local t0 t1
  t0=$(date +%s%N); for ((i = 0; i < N; i++)); do /bin/true; done; t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
opens() {
  python3 - "$N" <<'PY'
import os, sys, time
n = int(sys.argv[1])
out = []
for path in ("/etc/hostname", "/etc/shadow"):
    t = time.perf_counter()
    for _ in range(n):
        os.close(os.open(path, os.O_RDONLY))
    out.append(str(int((time.perf_counter() - t) * 1e6)))
print(" ".join(out))
PY
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

was=$(cat /proc/sys/kernel/bpf_stats_enabled)
for ((r = 1; r <= ROUNDS; r++)); do
  echo "$(execs) $(opens)" >>"$TMP/off"
  "$LOADER" --stats-interval 0 >/dev/null 2>"$TMP/loader.err" </dev/null &
  lpid=$!
  sleep 3
  echo 1 >/proc/sys/kernel/bpf_stats_enabled
  "$BPFTOOL" -j prog show >"$TMP/before.json"
  c0=$(ticks "$lpid")
  e=$(execs)
  c1=$(ticks "$lpid")
  "$BPFTOOL" -j prog show >"$TMP/after.json"
  echo "$was" >/proc/sys/kernel/bpf_stats_enabled
  echo "$e $(opens)" >>"$TMP/on"
  echo "$(((c1 - c0) * 1000000 / $(getconf CLK_TCK) / N))" >>"$TMP/loader_us"
  python3 - "$N" "$TMP/before.json" "$TMP/after.json" >>"$TMP/progs" <<'PY'
import json, sys
n = int(sys.argv[1])
before = {p["id"]: p for p in json.load(open(sys.argv[2]))}
for p in json.load(open(sys.argv[3])):
    if not p.get("name", "").startswith("th_"):
        continue
    q = before.get(p["id"], {})
    cnt = p.get("run_cnt", 0) - q.get("run_cnt", 0)
    ns = p.get("run_time_ns", 0) - q.get("run_time_ns", 0)
    if cnt:
        print(p["name"], cnt / n, ns / n / 1000)
PY
  kill -TERM "$lpid"
  wait "$lpid" || true
  echo "round $r: off $(tail -1 "$TMP/off"), on $(tail -1 "$TMP/on") (us: execs, opens hostname, opens shadow)" >&2
done

col() { awk -v c="$1" '{print $c}' "$2" | median; }
echo "kernel side, median of $ROUNDS interleaved rounds, $N each:"
for c in 1 2 3; do
  name=$(echo "execs opens-/etc/hostname opens-/etc/shadow" | cut -d' ' -f"$c")
  off=$(col "$c" "$TMP/off")
  on=$(col "$c" "$TMP/on")
  printf '  %-20s off %8.1f us/op   loader on %8.1f us/op   %+6.1f %%\n' "$name" "$(echo "$off / $N" | bc -l)" "$(echo "$on / $N" | bc -l)" "$(echo "($on - $off) * 100 / $off" | bc -l)"
done
echo "  loader CPU per exec: $(median <"$TMP/loader_us") us (median)"
echo "BPF run time per exec (median of rounds; machine-wide):"
python3 - "$TMP/progs" <<'PY'
import collections, statistics, sys
runs, us = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, r, u = line.split()
    runs[name].append(float(r)); us[name].append(float(u))
rows = sorted(((statistics.median(us[k]), statistics.median(runs[k]), k) for k in us), reverse=True)
for u, r, k in rows:
    if u >= 0.01:
        print("  %-28s %6.2f runs/exec  %6.2f us/exec" % (k, r, u))
print("  total                        %6.2f us/exec" % sum(r[0] for r in rows))
PY
