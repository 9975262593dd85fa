package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;

/** A full scan for the cheapest candidate, ties broken uniformly at random. */
final class LowestCost {
  private LowestCost() {}

  static Pick pick(ReplicaSet candidates, Randomness random, ReplicaCost cost) {
    int n = candidates.size();
    if (n == 0) {
      return Pick.noReplica();
    }
    int best = -1;
    double bestCost = Double.POSITIVE_INFINITY;
    int ties = 0;
    for (int i = 0; i < n; i++) {
      double c = cost.of(candidates.get(i));
      if (best < 0 || c < bestCost) {
        best = i;
        bestCost = c;
        ties = 1;
      } else if (c == bestCost && random.nextInt(++ties) == 0) {
        // Reservoir sampling over the tied replicas: each is kept with equal probability.
        best = i;
      }
    }
    return candidates.pick(best);
  }
}
