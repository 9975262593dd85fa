package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;

/**
 * Shortest expected delay: the candidate minimising (outstanding + 1) / μ, where μ is the replica's
 * service rate learned online from completions per second of busy time
 * ({@link Replica#serviceRatePerSecond()}). Unlike a latency average, μ is not inflated by the
 * replica's own queue, so a fast replica with a queue still looks fast. A replica with no completion
 * yet is assumed as fast as the fastest known one, so it gets tried.
 */
public final class ShortestExpectedDelayBalancer implements Balancer {
  public static final String NAME = "shortest-expected-delay";

  private final Randomness random;

  public ShortestExpectedDelayBalancer(Randomness random) {
    this.random = random;
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    int n = candidates.size();
    if (n == 0) {
      return Pick.noReplica();
    }
    double fastest = 0.0;
    for (int i = 0; i < n; i++) {
      fastest = Math.max(fastest, nanToZero(candidates.get(i).serviceRatePerSecond()));
    }
    double unknown = fastest > 0.0 ? fastest : 1.0;
    int best = -1;
    double bestDelay = Double.POSITIVE_INFINITY;
    int ties = 0;
    for (int i = 0; i < n; i++) {
      Replica r = candidates.get(i);
      double mu = r.serviceRatePerSecond();
      double delay = (r.inFlight() + 1) / (Double.isNaN(mu) ? unknown : mu);
      if (best < 0 || delay < bestDelay) {
        best = i;
        bestDelay = delay;
        ties = 1;
      } else if (delay == bestDelay && random.nextInt(++ties) == 0) {
        best = i;
      }
    }
    return candidates.pick(best);
  }

  private static double nanToZero(double v) {
    return Double.isNaN(v) ? 0.0 : v;
  }

  @Override
  public String name() {
    return NAME;
  }
}
