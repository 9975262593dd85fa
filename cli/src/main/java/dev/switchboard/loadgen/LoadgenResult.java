package dev.switchboard.loadgen;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a load-generation run. Immutable.
 *
 * @param url the target as given
 * @param offeredRate requests per second the workload asked for: the Poisson rate, or for other
 *     workloads its arrivals over the send window
 * @param achievedRate requests actually sent per second of the send window
 * @param durationSeconds the send window: start to the last send, or the whole {@code --duration}
 * @param elapsedSeconds start to the last response (or timeout)
 * @param overall all traffic
 * @param byTier each tier, in the mix's order
 */
public record LoadgenResult(
    String url,
    double offeredRate,
    double achievedRate,
    double durationSeconds,
    double elapsedSeconds,
    TierResult overall,
    Map<String, TierResult> byTier) {

  public LoadgenResult {
    byTier = Collections.unmodifiableMap(new LinkedHashMap<>(byTier));
  }
}
