package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.request.RequestInfo;

/**
 * The candidate with the fewest outstanding requests per unit of weight ("least connections");
 * ties are broken uniformly at random so that equal replicas share the load.
 */
public final class LeastRequestsBalancer implements Balancer {
  public static final String NAME = "least-requests";

  static final ReplicaCost LOAD = r -> r.inFlight() / r.weight();

  private final Randomness random;

  public LeastRequestsBalancer(Randomness random) {
    this.random = random;
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    return LowestCost.pick(candidates, random, LOAD);
  }

  @Override
  public String name() {
    return NAME;
  }
}
