package dev.switchboard.sim.policy;

import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.sim.model.SimRequest;

/**
 * A routing policy as the simulator runs it: the core balancers, unchanged, and policies that only a
 * simulator can have because they see inside the replicas (the oracle).
 */
public interface SimPolicy {

  String name();

  /** The replica for {@code request}, or null when none can take it. */
  Replica choose(SimRequest request, ReplicaSet candidates);
}
