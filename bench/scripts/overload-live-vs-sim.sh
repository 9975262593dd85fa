#!/usr/bin/env bash
# Admission control under overload, live and simulated: three `switchboard replica` processes (the
# seed pool: speed factors 1.0, 1.0, 2.0), the gateway with the admission section of
# scenarios/overload-live.yaml, and loadgen replaying exactly that scenario's arrivals with one key
# per tier; then `simulate` on the same scenario. Prints, per tier, requests served and shed and
# the p50/p99 time to first token, live next to simulated.
#
# Needs python3 with PyYAML (Debian: python3-yaml).
# Usage: bench/scripts/overload-live-vs-sim.sh [OUT_DIR]   (env: SWITCHBOARD, PORT)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scenario="$root/scenarios/overload-live.yaml"
port="${PORT:-18190}"
out="${1:-$root/bench/results/overload-live-vs-sim-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
# The command to run; set SWITCHBOARD="java -jar /path/switchboard.jar" to pin a build.
sb="${SWITCHBOARD:-$root/switchboard}"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

speeds=(1.0 1.0 2.0)
for i in 0 1 2; do
  $sb replica --port $((port + 10 + i)) --model overload --speed "${speeds[$i]}" --seed "$i" > "$out/replica-$i.log" 2>&1 &
  pids+=($!)
done
python3 - "$scenario" "$port" > "$out/gateway.yaml" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
port = int(sys.argv[2])
cfg = {
    "listen": {"data": {"port": port}, "admin": {"port": port + 1}},
    "pools": [{"name": "overload", "models": ["overload"], "balancer": s["policies"][0],
               "replicas": [{"url": f"http://127.0.0.1:{port + 10 + i}"} for i in range(3)]}],
    "keys": [{"key": f"sk-{t['name']}", "tenant": f"{t['name']}-0", "tier": t["name"]} for t in s["workload"]["tiers"]],
    "admission": s["admission"],
}
print(yaml.safe_dump(cfg, sort_keys=False))
PY
$sb serve --config "$out/gateway.yaml" > "$out/gateway.log" 2>&1 &
pids+=($!)
for p in "$port" $((port + 10)) $((port + 11)) $((port + 12)); do
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done

keys=()
for t in vip standard free; do keys+=(--key "$t=sk-$t"); done
$sb loadgen --url "http://127.0.0.1:$port" --model overload --workload "$scenario" --stream "${keys[@]}" \
  --warmup 10s --warmup-rate 5 --json "$out/live.json" --quiet > "$out/live.txt" 2>&1
$sb simulate "$scenario" --json "$out/sim.json" --quiet > "$out/sim.txt" 2>&1

python3 - "$out/live.json" "$out/sim.json" <<'PY' | tee "$out/summary.txt"
import json, sys
live = json.load(open(sys.argv[1]))
sim = json.load(open(sys.argv[2]))["results"][0]["by_tier"]
def ms(v): return "-" if v is None else f"{v:.0f}"
print(f"{'tier':<10}{'served live':>12}{'sim':>8}{'shed live':>11}{'sim':>8}{'TTFT p50 live':>15}{'sim':>8}{'TTFT p99 live':>15}{'sim':>8}")
for tier in ["vip", "standard", "free"]:
    l = live["by_tier"][tier]; s = sim[tier]
    shed_live = l["errors"].get("503", 0)
    print(f"{tier:<10}{l['ok']:>12}{s['completed']:>8}{shed_live:>11}{s['shed']:>8}"
          f"{ms(l['ttft_ms']['p50']) if l['ttft_ms'] else '-':>15}{s['ttft_ms']['p50']:>8.0f}"
          f"{ms(l['ttft_ms']['p99']) if l['ttft_ms'] else '-':>15}{s['ttft_ms']['p99']:>8.0f}")
PY
echo "results in $out"
