package dev.switchboard.sim.policy;

import dev.switchboard.core.balance.Balancer;
import dev.switchboard.core.balance.Pick;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.sim.model.SimRequest;

/** A core balancer in the simulator: it sees exactly what it would see live. */
final class BalancerPolicy implements SimPolicy {
  private final Balancer balancer;

  BalancerPolicy(Balancer balancer) {
    this.balancer = balancer;
  }

  @Override
  public String name() {
    return balancer.name();
  }

  @Override
  public Replica choose(SimRequest request, ReplicaSet candidates) {
    Pick pick = balancer.pick(candidates, request.info());
    return pick.hasReplica() ? pick.replica() : null;
  }
}
