package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;

/**
 * The candidate with the lowest Peak EWMA cost, latency estimate × (outstanding + 1), over all
 * candidates; ties at random. See {@link dev.switchboard.core.replica.PeakEwma} for the estimate.
 * For large pools prefer {@link P2cPeakEwmaBalancer}, which Finagle uses: it reads two costs, not n.
 */
public final class PeakEwmaBalancer implements Balancer {
  public static final String NAME = "peak-ewma";

  static final ReplicaCost COST = Replica::peakEwmaCost;

  private final Randomness random;

  public PeakEwmaBalancer(Randomness random) {
    this.random = random;
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    return LowestCost.pick(candidates, random, COST);
  }

  @Override
  public String name() {
    return NAME;
  }
}
