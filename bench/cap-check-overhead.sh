#!/usr/bin/env bash
# What the kernel side adds to one capability check. The kernel checks capabilities often (each
# private writable mmap checks CAP_SYS_ADMIN: ~20 checks per exec of a small program), and the
# agent's cap_capable program runs on every one, watched capability or not. The workload is
# sethostname() in a private UTS namespace, a cheap syscall that checks CAP_SYS_ADMIN once (not in
# the default cap_mask: the program returns after its config lookup). ns per call with no loader,
# then with each loader given in LOADERS ("name=path ..."; default: the built loader), ROUNDS
# times interleaved, N calls each; the difference includes the syscall tracepoints' slow path
# that every syscall takes while any of them is attached. Figures only. Needs root and cc.
set -euo pipefail
N=${N:-3000000}
ROUNDS=${ROUNDS:-9}
LOADERS=${LOADERS:-now=$(dirname "$0")/../bpf/.output/tracehound-loader}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/calls.c" <<'C'
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n = atol(argv[1]);
	struct timespec a, b;
	if (unshare(CLONE_NEWUTS)) { perror("unshare"); return 1; }
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (sethostname("th-bench", 8)) { perror("sethostname"); return 1; }
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
C
cc -O2 -o "$TMP/calls" "$TMP/calls.c"
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for ((r = 1; r <= ROUNDS; r++)); do
  line="off $("$TMP/calls" "$N" | tee -a "$TMP/off")"
  for spec in $LOADERS; do
    name=${spec%%=*}
    "${spec#*=}" --stats-interval 0 >/dev/null 2>"$TMP/$name.err" </dev/null &
    lpid=$!
    sleep 2
    line="$line, $name $("$TMP/calls" "$N" | tee -a "$TMP/$name")"
    kill -TERM "$lpid"
    wait "$lpid" || true
  done
  echo "round $r: $line ns per call" >&2
done
off=$(median <"$TMP/off")
echo "sethostname() with a CAP_SYS_ADMIN check, median of $ROUNDS interleaved rounds, $N calls each:"
echo "  no loader  $off ns"
for spec in $LOADERS; do
  name=${spec%%=*}
  on=$(median <"$TMP/$name")
  printf '  %-10s %s ns (+%.0f ns per call)\n' "$name" "$on" "$(echo "$on - $off" | bc -l)"
done
