package dev.switchboard.core.balance;

import dev.switchboard.core.replica.Replica;

/** A replica's load as one number, lower is better. Implementations must not allocate. */
@FunctionalInterface
interface ReplicaCost {
  double of(Replica replica);
}
