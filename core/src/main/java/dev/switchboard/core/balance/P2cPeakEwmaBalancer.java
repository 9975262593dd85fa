package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.request.RequestInfo;

/** Finagle's and Linkerd's balancer: power of two choices on the Peak EWMA cost. */
public final class P2cPeakEwmaBalancer implements Balancer {
  public static final String NAME = "p2c-peak-ewma";

  private final Randomness random;

  public P2cPeakEwmaBalancer(Randomness random) {
    this.random = random;
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    return TwoChoices.pick(candidates, random, PeakEwmaBalancer.COST);
  }

  @Override
  public String name() {
    return NAME;
  }
}
