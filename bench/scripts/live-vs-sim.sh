#!/usr/bin/env bash
# Live versus simulated: the seed pool (three vLLM-like replicas, speed factors 1.0, 1.0, 2.0) behind
# the real gateway with Peak EWMA, driven by loadgen with exactly the arrivals of
# scenarios/seed-live.yaml, compared with `simulate` on the same scenario and seed.
# The live replicas run the simulator's own replica model in real time, so the two should agree;
# what differs is the real network path, timers and the gateway itself.
#
# Usage: bench/scripts/live-vs-sim.sh [OUT_DIR]   (env: SCENARIO, POLICY, PORT)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scenario="${SCENARIO:-$root/scenarios/seed-live.yaml}"
policy="${POLICY:-peak-ewma}"
port="${PORT:-18090}"
out="${1:-$root/bench/results/live-vs-sim-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
# The command to run; set SWITCHBOARD="java -jar /path/switchboard.jar" to pin a build.
sb="${SWITCHBOARD:-$root/switchboard}"

$sb demo --port "$port" --admin-port $((port + 1)) --balancer "$policy" > "$out/demo.log" 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

$sb loadgen --url "http://127.0.0.1:$port" --model demo-llama-3.1-8b --workload "$scenario" --stream \
  --key sk-demo-vip --warmup 15s --warmup-rate 12 --json "$out/live.json" --quiet > "$out/live.txt" 2>&1
$sb simulate "$scenario" --policies "$policy" --json "$out/sim.json" --quiet > "$out/sim.txt" 2>&1

python3 - "$out/live.json" "$out/sim.json" <<'PY' | tee "$out/summary.txt"
import json, sys
live = json.load(open(sys.argv[1]))
sim = json.load(open(sys.argv[2]))["results"][0]
print(f"requests: live {live['ok']} ok of {live['sent']} sent; simulated {sim['completed']}")
print(f"{'metric':<18}{'live ms':>10}{'sim ms':>10}{'live/sim':>10}")
for name, lk, sk in [("latency p50", ("latency_ms", "p50"), ("latency_ms", "p50")),
                     ("latency p99", ("latency_ms", "p99"), ("latency_ms", "p99")),
                     ("TTFT p50", ("ttft_ms", "p50"), ("ttft_ms", "p50")),
                     ("TTFT p99", ("ttft_ms", "p99"), ("ttft_ms", "p99"))]:
    l = live[lk[0]][lk[1]]; s = sim[sk[0]][sk[1]]
    print(f"{name:<18}{l:>10.1f}{s:>10.1f}{l / s:>10.2f}")
PY
echo "results in $out"
