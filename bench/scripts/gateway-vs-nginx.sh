#!/usr/bin/env bash
# Proxy overhead benchmark, all in one run on this machine: a fast static backend (nginx returning a
# fixed chat completion) reached directly, through nginx (least_conn, keep-alive upstream) and
# through Switchboard. For each target:
#   1. maximum throughput, closed loop: wrk -t1 -c32 (after a warm-up, so the JIT has compiled),
#      in rounds that take the targets in turn; each round also gives every target's throughput as
#      a multiple of nginx's in that round, and the table shows the medians;
#   2. latency at a fixed offered rate, open loop, in rounds that take the targets in turn (medians
#      of the rounds' percentiles). With h2load (Debian package nghttp2-client), the default when
#      installed, in two shapes, latency from each request's send (h2load is C and light, so it
#      disturbs the proxies least). h2load's rate timer fires at most every 10 ms, whatever the
#      rate, and a connection's due requests then go one after another on it:
#        even:   RATE/100 connections at 100 req/s each, opened 1 ms apart, so each sends one
#                request every 10 ms and a few requests start in every millisecond;
#        bursts: OL_CLIENTS connections at RATE/OL_CLIENTS req/s each, so every 10 ms each sends
#                RATE/OL_CLIENTS/100 requests back to back (5 x 10 at 5k/s).
#      With OL_TOOL=loadgen: switchboard loadgen --rate RATE, Poisson, latency from the scheduled
#      send time, but a JVM of its own on the same cores (its late sends are in its JSON);
#   3. the latency of one hop with nothing queued: wrk -t1 -c1 (one request at a time), in rounds
#      that take the targets in turn (median of the rounds);
#   4. the CPU time the proxy itself spent per request during the closed-loop rounds (from /proc:
#      its processes' user + system time over the requests wrk completed; median of the rounds).
# Needs nginx and wrk (Debian packages). Prints a table and writes JSON/text results to OUT.
#
# Usage: bench/scripts/gateway-vs-nginx.sh [OUT_DIR]
#   env: DURATION=20 RATE=5000 WARMUP=15 TP_ROUNDS=4 TP_SECONDS=10 C1_ROUNDS=6 C1_SECONDS=8
#        OL_TOOL=h2load|loadgen OL_ROUNDS=3 OL_CLIENTS=5 (open-loop rounds of DURATION seconds)
#        OL_SHAPES="even bursts" (h2load only)
#        WARMUP_CONNECTIONS=4000 (warm-up: connections opened one after another, a multiple of 500)
#        OL_WARMUP=5 (warm-up: seconds of each h2load shape per target before the rounds)
# Every target gets the same warm-up (wrk, new connections, each open-loop shape), and rounds take
# the targets in an order rotated by one each round.
# BASELINE="java -jar /path/other-switchboard.jar" adds a row for another build (e.g. before a
# change), measured in the same run. FEATURES=1 adds a row for this build with every admission
# feature on as well: rate limits per key and per tier on requests and tokens (never reached, so
# every request pays for four decisions and is let through; below 2^31 a minute, as real limits
# are, for above it Bucket4j's arithmetic takes a slower path) and the admission queue.
# FEATURES_BASELINE="java -jar /path/other-switchboard.jar" adds the same row for another build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/bench/results/gateway-vs-nginx-$(date +%Y%m%d-%H%M%S)}"
duration="${DURATION:-20}"
rate="${RATE:-5000}"
warmup="${WARMUP:-15}"
tp_rounds="${TP_ROUNDS:-4}"
tp_seconds="${TP_SECONDS:-10}"
c1_rounds="${C1_ROUNDS:-6}"
c1_seconds="${C1_SECONDS:-8}"
ol_rounds="${OL_ROUNDS:-3}"
ol_clients="${OL_CLIENTS:-5}"
ol_shapes="${OL_SHAPES:-even bursts}"
ol_warmup="${OL_WARMUP:-5}"
warmup_connections="${WARMUP_CONNECTIONS:-4000}"
[ $((warmup_connections % 500)) -eq 0 ] || { echo "WARMUP_CONNECTIONS must be a multiple of 500, was: $warmup_connections" >&2; exit 1; }
if [ -z "${OL_TOOL:-}" ]; then
  if command -v h2load >/dev/null; then ol_tool=h2load; else ol_tool=loadgen; fi
else
  ol_tool="$OL_TOOL"
fi
case "$ol_tool" in
  h2load) command -v h2load >/dev/null || { echo "OL_TOOL=h2load needs h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
    [ $((rate % 100)) -eq 0 ] || { echo "RATE must be a multiple of 100 for h2load's even shape, was: $rate" >&2; exit 1; }
    for shape in $ol_shapes; do
      case "$shape" in even|bursts) ;; *) echo "OL_SHAPES holds even and/or bursts, was: $ol_shapes" >&2; exit 1 ;; esac
    done ;;
  loadgen) ol_shapes=poisson ;;
  *) echo "OL_TOOL must be h2load or loadgen, was: $ol_tool" >&2; exit 1 ;;
esac
backend_port="${BACKEND_PORT:-18001}"
proxy_port="${PROXY_PORT:-18002}"
gateway_port="${GATEWAY_PORT:-18003}"
admin_port="${ADMIN_PORT:-18004}"
workers="${NGINX_WORKERS:-2}"
run="$(mktemp -d)"
# The command to run; set SWITCHBOARD="java -jar /path/switchboard.jar" to pin a build.
sb="${SWITCHBOARD:-$root/switchboard}"
mkdir -p "$out"
for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y nginx wrk" >&2; exit 1; }
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$run"; }
trap cleanup EXIT

render() { sed -e "s|BACKEND_PORT|$backend_port|g; s|PROXY_PORT|$proxy_port|g; s|RUN_DIR|$run|g; s|WORKERS|$workers|g" "$1" > "$2"; }
render "$here/static-backend.conf" "$run/backend.conf"
render "$here/nginx-proxy.conf" "$run/proxy.conf"
nginx -c "$run/backend.conf" -p "$run" & pids+=($!); backend_pid=$!
nginx -c "$run/proxy.conf" -p "$run" & pids+=($!); proxy_pid=$!

cat > "$run/gateway.yaml" <<YAML
listen: {data: {port: $gateway_port}, admin: {port: $admin_port}}
pools:
  - name: bench
    models: [bench]
    balancer: least-requests
    replicas: [{url: "http://127.0.0.1:$backend_port"}]
keys: [{key: sk-bench, tenant: bench, tier: standard}]
health: {scrape_interval_ms: 0}
YAML
$sb serve --config "$run/gateway.yaml" > "$out/gateway.log" 2>&1 & pids+=($!); gateway_pid=$!

# User + system CPU ticks of a process and all its descendants.
descendants() { echo "$1"; for c in $(pgrep -P "$1"); do descendants "$c"; done; }
cpu_ticks() {
  local sum=0
  for p in $(descendants "$1"); do
    [ -r "/proc/$p/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$sum"
}
declare -A proc=([direct]=$backend_pid [nginx]=$proxy_pid [switchboard]=$gateway_pid)
targets="direct nginx switchboard"
baseline_port=$((gateway_port + 10))
if [ -n "${BASELINE:-}" ]; then
  sed -e "s|port: $gateway_port|port: $baseline_port|; s|port: $admin_port|port: $((admin_port + 10))|" \
    "$run/gateway.yaml" > "$run/baseline.yaml"
  $BASELINE serve --config "$run/baseline.yaml" > "$out/baseline.log" 2>&1 & pids+=($!); proc[baseline]=$!
  targets="$targets baseline"
fi

wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
wait_port "$backend_port"; wait_port "$proxy_port"; wait_port "$gateway_port"
[ -z "${BASELINE:-}" ] || wait_port "$baseline_port"

features_port=$((gateway_port + 20))
if [ -n "${FEATURES:-}" ]; then
  sed -e "s|port: $gateway_port|port: $features_port|; s|port: $admin_port|port: $((admin_port + 20))|" \
    "$run/gateway.yaml" > "$run/features.yaml"
  cat >> "$run/features.yaml" <<YAML
ratelimit:
  requests_per_minute: 2000000000
  tokens_per_minute: 2000000000
  tiers: {standard: {requests_per_minute: 2000000000, tokens_per_minute: 2000000000}}
admission:
  tiers: [{name: standard, priority: 5, queue_timeout_s: 20}]
  max_in_flight: 4096
YAML
  $sb serve --config "$run/features.yaml" > "$out/features.log" 2>&1 & pids+=($!); proc[features]=$!
  targets="$targets features"
  wait_port "$features_port"
fi
features_baseline_port=$((gateway_port + 30))
if [ -n "${FEATURES_BASELINE:-}" ]; then
  [ -n "${FEATURES:-}" ] || { echo "FEATURES_BASELINE needs FEATURES=1" >&2; exit 1; }
  sed -e "s|port: $features_port|port: $features_baseline_port|; s|port: $((admin_port + 20))|port: $((admin_port + 30))|" \
    "$run/features.yaml" > "$run/features-baseline.yaml"
  $FEATURES_BASELINE serve --config "$run/features-baseline.yaml" > "$out/features-baseline.log" 2>&1 & pids+=($!)
  proc[features-baseline]=$!
  targets="$targets features-baseline"
  wait_port "$features_baseline_port"
fi
declare -A url=(
  [direct]="http://127.0.0.1:$backend_port"
  [nginx]="http://127.0.0.1:$proxy_port"
  [switchboard]="http://127.0.0.1:$gateway_port"
  [baseline]="http://127.0.0.1:$baseline_port"
  [features]="http://127.0.0.1:$features_port"
  [features-baseline]="http://127.0.0.1:$features_baseline_port"
)
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $($sb --version 2>/dev/null | head -n1); nginx workers: $workers"
  echo "closed loop: wrk -t1 -c32 after ${warmup}s warm-up, $tp_rounds rounds of ${tp_seconds}s per target, taken in turn (medians)"
  if [ "$ol_tool" = h2load ]; then
    echo "open loop: h2load at $rate req/s, $ol_rounds rounds of ${duration}s per target and shape, taken in turn (medians);" \
      "even: $((rate / 100)) connections at 100 req/s each, opened 1 ms apart; bursts: $ol_clients connections at $((rate / ol_clients)) req/s each"
  else
    echo "open loop: loadgen --rate $rate, $ol_rounds rounds of ${duration}s per target, taken in turn (medians)"
  fi
  echo "one at a time: wrk -t1 -c1, $c1_rounds rounds of ${c1_seconds}s per target, taken in turn (medians)"
  echo "warm-up per target: wrk ${warmup}s, $warmup_connections connections one after another" \
    "$([ "$ol_tool" = h2load ] && echo "and ${ol_warmup}s of each open-loop shape")"
} | tee "$out/summary.txt"
declare -A rps xnginx cpu
# The targets in the order round N takes them: rotated by one each round, so that none always
# follows the same neighbour (whose work, still draining, would fall on it).
in_turn() {
  local list=($targets) n
  n=${#list[@]}
  for i in $(seq 0 $((n - 1))); do echo "${list[$(((i + $1 - 1) % n))]}"; done
}
# Warm-up: wrk's requests, then connections opened one after another (each target's accept path
# runs once per connection, so a JVM's takes thousands of connections to be compiled; every
# open-loop round opens new ones). The first request's latency on a new connection, pass by pass,
# goes to new-connections-TARGET.txt: how long a fresh process takes to settle.
for target in $targets; do
  wrk -t1 -c32 -d"${warmup}s" -s "$here/post.lua" "${url[$target]}/v1/chat/completions" > /dev/null
  python3 "$here/new-connections.py" "${url[$target]##*:}" 500 $((warmup_connections / 500)) > "$out/new-connections-$target.txt"
  : > "$out/closed-loop-$target.txt"
done
# Closed loop in rounds that take the targets in turn, like the one-at-a-time rounds below: this
# shared machine's speed drifts by tens of percent within minutes, and a target measured alone in
# a slow spell would look slower than it is.
for round in $(seq 1 "$tp_rounds"); do
  for target in $(in_turn "$round"); do
    before=$(cpu_ticks "${proc[$target]}")
    wrk -t1 -c32 -d"${tp_seconds}s" --latency -s "$here/post.lua" "${url[$target]}/v1/chat/completions" \
      > "$out/wrk-$target-$round.txt"
    after=$(cpu_ticks "${proc[$target]}")
    requests=$(awk '/requests in/ {print $1}' "$out/wrk-$target-$round.txt")
    # For "direct" this is the backend's own cost; for the proxies, theirs alone (not the backend's).
    echo "$round $(awk '/Requests\/sec/ {print $2}' "$out/wrk-$target-$round.txt") $(awk -v t=$((after - before)) \
      -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')" >> "$out/closed-loop-$target.txt"
  done
done
for target in $targets; do
  read -r rps[$target] xnginx[$target] cpu[$target] < <(python3 - "$out/closed-loop-$target.txt" "$out/closed-loop-nginx.txt" <<'PY'
import statistics, sys
rounds = [line.split() for line in open(sys.argv[1])]
nginx = {r[0]: float(r[1]) for r in (line.split() for line in open(sys.argv[2]))}
print(round(statistics.median(float(r[1]) for r in rounds)),
      round(statistics.median(float(r[1]) / nginx[r[0]] for r in rounds), 2),
      round(statistics.median(float(r[2]) for r in rounds), 1))
PY
)
done

# h2load in one shape against a target for some seconds; further h2load options follow.
h2load_shape() {
  local target=$1 shape=$2 seconds=$3 load
  shift 3
  if [ "$shape" = even ]; then
    load=(-n $((rate * seconds)) -c $((rate / 100)) -r 1 --rate-period 1ms --rps 100)
  else
    load=(-c "$ol_clients" --rps $((rate / ol_clients)) -D "$seconds")
  fi
  h2load --h1 "${load[@]}" "$@" -d "$here/chat-request.json" \
    -H "Content-Type: application/json" -H "Authorization: Bearer sk-bench" "${url[$target]}/v1/chat/completions"
}

# Open loop at a fixed rate, in rounds that take the targets in turn; one line per round:
# "p50_ms p99_ms ok errors".
open_loop_round() {
  local target=$1 shape=$2 round=$3 base="$out/open-loop-$1-$2-$3"
  if [ "$ol_tool" = h2load ]; then
    rm -f "$base.log"
    h2load_shape "$target" "$shape" "$duration" --log-file="$base.log" > "$base.txt" 2>&1
    python3 - "$base.log" <<'PY'
import sys
rows = [line.split("\t") for line in open(sys.argv[1])]
ok = sorted(int(r[2]) for r in rows if r[1].startswith("2"))
pct = lambda p: ok[min(len(ok) - 1, int(p * len(ok)))] / 1000 if ok else float("nan")
print(pct(0.50), pct(0.99), len(ok), len(rows) - len(ok))
PY
  else
    $sb loadgen --url "${url[$target]}" --model bench --rate "$rate" --duration "${duration}s" \
      --prompt-tokens 8 --max-tokens 16 --key sk-bench --warmup 5s --json "$base.json" > "$base.txt" 2>&1
    python3 - "$base.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["latency_ms"]["p50"], r["latency_ms"]["p99"], r["ok"], sum(r["errors"].values()))
PY
  fi
}
declare -A ol_p50 ol_p99 ol_ok ol_errors
for shape in $ol_shapes; do
  for target in $targets; do : > "$out/open-loop-$target-$shape.txt"; done
done
# A JIT compiles for the traffic it has seen: the first seconds of a shape wrk never sent (other
# headers, other read sizes) run through code being recompiled. Each target gets each shape once,
# unmeasured, as it got wrk's above; the first round's figures would otherwise hold the JVM's
# change of shape rather than its steady state.
if [ "$ol_tool" = h2load ]; then
  for shape in $ol_shapes; do
    for target in $targets; do h2load_shape "$target" "$shape" "$ol_warmup" > /dev/null 2>&1; done
  done
fi
for round in $(seq 1 "$ol_rounds"); do
  for shape in $ol_shapes; do
    for target in $(in_turn "$round"); do
      echo "$round $(open_loop_round "$target" "$shape" "$round")" >> "$out/open-loop-$target-$shape.txt"
    done
  done
done
for shape in $ol_shapes; do
  for target in $targets; do
    read -r ol_p50[$target-$shape] ol_p99[$target-$shape] ol_ok[$target-$shape] ol_errors[$target-$shape] \
      < <(python3 - "$out/open-loop-$target-$shape.txt" <<'PY'
import statistics, sys
rounds = [line.split() for line in open(sys.argv[1])]
print(round(statistics.median(float(r[1]) for r in rounds), 3), round(statistics.median(float(r[2]) for r in rounds), 3),
      sum(int(r[3]) for r in rounds), sum(int(r[4]) for r in rounds))
PY
)
  done
done

# One request at a time, in short rounds that take the targets in turn, so that a slow spell of
# this shared machine falls on all of them rather than on one; each figure is the median of the
# rounds' percentiles.
for round in $(seq 1 "$c1_rounds"); do
  for target in $(in_turn "$round"); do
    wrk -t1 -c1 -d"${c1_seconds}s" --latency -s "$here/post.lua" "${url[$target]}/v1/chat/completions" \
      > "$out/wrk-c1-$target-$round.txt"
  done
done

printf '%-18s %12s %8s %12s %12s %12s\n' target "max req/s" "x nginx" "c1 p50 ms" "c1 p99 ms" "cpu us/req" \
  | tee -a "$out/summary.txt"
for target in $targets; do
  read -r c1p50 c1p99 < <(python3 - "$out"/wrk-c1-"$target"-*.txt <<'PY'
import re, statistics, sys
ms = {"us": 0.001, "ms": 1.0, "s": 1000.0}
def conv(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * ms[unit]
p50s, p99s = [], []
for path in sys.argv[1:]:
    found = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))$", open(path).read(), re.M))
    p50s.append(conv(found["50"]))
    p99s.append(conv(found["99"]))
print(round(statistics.median(p50s), 3), round(statistics.median(p99s), 3))
PY
)
  printf '%-18s %12s %8s %12s %12s %12s\n' "$target" "${rps[$target]}" "${xnginx[$target]}" "$c1p50" "$c1p99" "${cpu[$target]}" \
    | tee -a "$out/summary.txt"
done
# Open loop: the medians of the rounds, and the latency each proxy adds to the direct path, taken
# round by round (the proxy's percentile minus the direct path's in the same round), then the median.
for shape in $ol_shapes; do
  echo "open loop at $rate req/s, $shape:" | tee -a "$out/summary.txt"
  printf '%-18s %10s %10s %12s %12s %10s %8s  %s\n' target "p50 ms" "p99 ms" "added p50" "added p99" ok errors "rounds p50/p99 ms" \
    | tee -a "$out/summary.txt"
  for target in $targets; do
    read -r added50 added99 rounds < <(python3 - "$out/open-loop-$target-$shape.txt" "$out/open-loop-direct-$shape.txt" <<'PY'
import statistics, sys
rounds = [line.split() for line in open(sys.argv[1])]
direct = {r[0]: r for r in (line.split() for line in open(sys.argv[2]))}
a50 = statistics.median(float(r[1]) - float(direct[r[0]][1]) for r in rounds)
a99 = statistics.median(float(r[2]) - float(direct[r[0]][2]) for r in rounds)
print(round(a50, 3), round(a99, 3), " ".join(f"{float(r[1]):.3f}/{float(r[2]):.3f}" for r in rounds))
PY
)
    printf '%-18s %10s %10s %12s %12s %10s %8s  %s\n' "$target" "${ol_p50[$target-$shape]}" "${ol_p99[$target-$shape]}" \
      "$added50" "$added99" "${ol_ok[$target-$shape]}" "${ol_errors[$target-$shape]}" "$rounds" | tee -a "$out/summary.txt"
  done
  # Each proxy against nginx round by round, as paired-rounds.py pools it over several runs.
  for target in $targets; do
    case "$target" in direct|nginx) ;; *) python3 "$here/paired-rounds.py" --target "$target" --shape "$shape" "$out" \
      | tee -a "$out/summary.txt" ;; esac
  done
done
# The warm-up's new connections: the first request's latency on each, first 500 and last 500.
echo "new connections during warm-up, first request p50 / p90 / max us (first pass, last pass):" | tee -a "$out/summary.txt"
for target in $targets; do
  printf '%-18s %s  |  %s\n' "$target" \
    "$(head -n1 "$out/new-connections-$target.txt" | sed 's/.*first request //; s/; second.*//')" \
    "$(tail -n1 "$out/new-connections-$target.txt" | sed 's/.*first request //; s/; second.*//')" | tee -a "$out/summary.txt"
done
echo "results in $out"
