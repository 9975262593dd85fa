package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;

/** Power of two choices: draw two distinct candidates at random, keep the cheaper. */
final class TwoChoices {
  private TwoChoices() {}

  static Pick pick(ReplicaSet candidates, Randomness random, ReplicaCost cost) {
    int n = candidates.size();
    if (n == 0) {
      return Pick.noReplica();
    }
    if (n == 1) {
      return candidates.pick(0);
    }
    int a = random.nextInt(n);
    // Draw the second from the other n-1 so the two are always distinct.
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    // Finagle keeps the first on a tie; both were drawn at random, so that is fair.
    return candidates.pick(cost.of(candidates.get(a)) <= cost.of(candidates.get(b)) ? a : b);
  }
}
