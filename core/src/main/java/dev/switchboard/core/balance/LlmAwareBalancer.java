package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;

/**
 * Weighted scorers over what LLM engines report, in the style of the Gateway API Inference
 * Extension's endpoint picker: each scorer gives every candidate a score in [0, 1] (higher is
 * better), the weighted sum decides, ties at random.
 *
 * <ul>
 *   <li>queue: the engine's waiting queue, min-max normalised over the candidates (GIE's queue
 *       scorer);
 *   <li>kv-cache: 1 − KV-cache use (GIE's KV-cache utilisation scorer);
 *   <li>in-flight: this runtime's own outstanding count, min-max normalised. Reports arrive by
 *       scraping and lag by up to a scrape interval; the in-flight count is current, so it spreads a
 *       burst that lands between two scrapes.
 * </ul>
 */
public final class LlmAwareBalancer implements Balancer {
  public static final String NAME = "llm-aware";

  private final Randomness random;
  private final double queueWeight;
  private final double kvCacheWeight;
  private final double inFlightWeight;

  public LlmAwareBalancer(Randomness random, BalancerOptions.LlmAwareWeights weights) {
    this.random = random;
    this.queueWeight = weights.queue();
    this.kvCacheWeight = weights.kvCache();
    this.inFlightWeight = weights.inFlight();
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    int n = candidates.size();
    if (n == 0) {
      return Pick.noReplica();
    }
    if (n == 1) {
      return candidates.pick(0);
    }
    int minQueue = Integer.MAX_VALUE;
    int maxQueue = Integer.MIN_VALUE;
    int minFlight = Integer.MAX_VALUE;
    int maxFlight = Integer.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      Replica r = candidates.get(i);
      int q = r.load().waiting();
      int f = r.inFlight();
      minQueue = Math.min(minQueue, q);
      maxQueue = Math.max(maxQueue, q);
      minFlight = Math.min(minFlight, f);
      maxFlight = Math.max(maxFlight, f);
    }
    int best = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    int ties = 0;
    for (int i = 0; i < n; i++) {
      Replica r = candidates.get(i);
      LoadReport load = r.load();
      double score =
          queueWeight * spread(load.waiting(), minQueue, maxQueue)
              + kvCacheWeight * (1.0 - load.kvCacheUsage())
              + inFlightWeight * spread(r.inFlight(), minFlight, maxFlight);
      if (score > bestScore) {
        best = i;
        bestScore = score;
        ties = 1;
      } else if (score == bestScore && random.nextInt(++ties) == 0) {
        best = i;
      }
    }
    return candidates.pick(best);
  }

  /** 1 for the least loaded candidate, 0 for the most; 1 for all when they are equal. */
  private static double spread(int value, int min, int max) {
    return max == min ? 1.0 : (double) (max - value) / (max - min);
  }

  @Override
  public String name() {
    return NAME;
  }
}
