#!/usr/bin/env python3
"""One proxy against another over the open-loop rounds of one or more runs of gateway-vs-nginx.sh:
for each round, the target's p50 and p99 minus the reference's in the same round; then, over all
the rounds pooled, the median difference, a 95% interval for it (the rounds resampled with
replacement, a fixed seed) and in how many rounds the target was at or below the reference.

Usage: bench/scripts/paired-rounds.py [--target switchboard] [--reference nginx] [--shape even]
                                      RUN_DIR...
"""
import argparse
import os
import random
import statistics
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--target", default="switchboard")
parser.add_argument("--reference", default="nginx")
parser.add_argument("--shape", default="even", help="even, bursts or poisson (loadgen)")
parser.add_argument("--resamples", type=int, default=20000)
parser.add_argument("runs", nargs="+", metavar="RUN_DIR")
args = parser.parse_args()


def rounds(run, target):
    """Round number -> (p50 ms, p99 ms), from the run's open-loop-TARGET-SHAPE.txt."""
    path = os.path.join(run, f"open-loop-{target}-{args.shape}.txt")
    if not os.path.exists(path):
        sys.exit(f"no {path}: is {run} a gateway-vs-nginx.sh result with target {target} and shape {args.shape}?")
    return {r[0]: (float(r[1]), float(r[2])) for r in (line.split() for line in open(path)) if r}


differences = {"p50": [], "p99": []}
for run in args.runs:
    target, reference = rounds(run, args.target), rounds(run, args.reference)
    for number in sorted(set(target) & set(reference), key=int):
        for index, name in enumerate(("p50", "p99")):
            differences[name].append((target[number][index] - reference[number][index]) * 1000)

random.seed(1)
print(f"{args.target} minus {args.reference}, {args.shape}, {len(differences['p99'])} rounds of {len(args.runs)} run(s), µs:")
for name, values in differences.items():
    if not values:
        sys.exit("no round found in both targets")
    medians = sorted(statistics.median(random.choices(values, k=len(values))) for _ in range(args.resamples))
    low, high = medians[int(0.025 * args.resamples)], medians[int(0.975 * args.resamples) - 1]
    at_or_below = sum(v <= 0 for v in values)
    print(f"  {name}: median {statistics.median(values):+.0f}, 95% interval {low:+.0f} to {high:+.0f}, "
          f"at or below in {at_or_below} of {len(values)} rounds")
