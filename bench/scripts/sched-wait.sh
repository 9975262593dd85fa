#!/usr/bin/env bash
# How long a proxy's worker threads wait for a core, per request: drives PORT with h2load at a
# fixed rate for a few seconds and reads the kernel's scheduler statistics of PID's threads
# (/proc/PID/task/TID/schedstat: ns on a core, ns waiting on the run queue, times scheduled).
#
# Usage: bench/scripts/sched-wait.sh PORT PID [THREAD_NAME]
#   THREAD_NAME: only the threads of that name (as in /proc/PID/task/TID/comm, e.g.
#   switchboard-dat); without it, PID's children (nginx's workers under their master).
#   env: RATE=5000 CLIENTS=5 DURATION=8 (seconds)
# The load comes in bursts: h2load's rate timer fires at most every 10 ms, and each connection then
# sends its due requests (RATE/CLIENTS/100 of them) one after another.
# Needs h2load (Debian package nghttp2-client).
set -euo pipefail
port="$1"; pid="$2"; name="${3:-}"
rate="${RATE:-5000}"; clients="${CLIENTS:-5}"; seconds="${DURATION:-8}"
command -v h2load >/dev/null || { echo "needs h2load: apt-get install -y nghttp2-client" >&2; exit 1; }

stats=()
if [ -n "$name" ]; then
  for t in /proc/"$pid"/task/*; do
    [ "$(cat "$t/comm")" = "$name" ] && stats+=("$t/schedstat")
  done
else
  for c in $(pgrep -P "$pid"); do stats+=("/proc/$c/schedstat"); done
fi
[ "${#stats[@]}" -gt 0 ] || { echo "no threads found for pid $pid ${name:+named $name}" >&2; exit 1; }
sum() { cat "${stats[@]}" | awk '{run += $1; wait += $2; slices += $3} END {printf "%.0f %.0f %.0f\n", run, wait, slices}'; }

here="$(cd "$(dirname "$0")" && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
read -r run0 wait0 slices0 < <(sum)
h2load --h1 -c "$clients" --rps $((rate / clients)) -D "$seconds" -d "$here/chat-request.json" \
  -H "Content-Type: application/json" -H "Authorization: Bearer sk-bench" --log-file="$log" \
  "http://127.0.0.1:$port/v1/chat/completions" > /dev/null
read -r run1 wait1 slices1 < <(sum)
python3 - "$log" "$((run1 - run0))" "$((wait1 - wait0))" "$((slices1 - slices0))" "${#stats[@]}" <<'PY'
import sys
log, run, wait, slices, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
lat = sorted(int(line.split("\t")[2]) for line in open(log))
n = len(lat)
pct = lambda p: lat[min(n - 1, int(p * n))]
print(f"{n} requests over {threads} threads: CPU {run / n / 1000:.1f} us/request, "
      f"waiting for a core {wait / n / 1000:.1f} us/request, {wait / max(slices, 1) / 1000:.1f} us per wake-up, "
      f"{slices / n:.2f} wake-ups/request; latency p50 {pct(0.5)} us, p99 {pct(0.99)} us")
PY
