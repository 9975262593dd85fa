package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.request.RequestInfo;

/** Power of two choices on outstanding requests per unit of weight. */
public final class P2cLeastRequestsBalancer implements Balancer {
  public static final String NAME = "p2c-least-requests";

  private final Randomness random;

  public P2cLeastRequestsBalancer(Randomness random) {
    this.random = random;
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    return TwoChoices.pick(candidates, random, LeastRequestsBalancer.LOAD);
  }

  @Override
  public String name() {
    return NAME;
  }
}
