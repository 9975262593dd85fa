package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaSet;

/** A full scan for the cheapest candidate, ties broken uniformly at random. */
final class LowestCost {
  private LowestCost() {}

  static Pick pick(ReplicaSet candidates, Randomness random, ReplicaCost cost) {
    int n = candidates.size();
    if (n == 0) {
      return Pick.noReplica();
    }
    Replica best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    int ties = 0;
    for (int i = 0; i < n; i++) {
      Replica r = candidates.get(i);
      double c = cost.of(r);
      if (best == null || c < bestCost) {
        best = r;
        bestCost = c;
        ties = 1;
      } else if (c == bestCost && random.nextInt(++ties) == 0) {
        // Reservoir sampling over the tied replicas: each is kept with equal probability.
        best = r;
      }
    }
    return best.asPick();
  }
}
