package dev.switchboard.loadgen;

import dev.switchboard.sim.metrics.Percentiles;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a load-generation run. Immutable.
 *
 * @param url the target as given
 * @param offeredRate requests per second the workload asked for: the Poisson rate, or for other
 *     workloads its arrivals over their scheduled span; NaN when that span is 0
 * @param achievedRate requests actually sent per second of the send window; NaN when it is 0
 * @param durationSeconds the send window: start to the last send (a late send stretches it)
 * @param elapsedSeconds start to the last response (or timeout)
 * @param sendLatenessMs how long after its scheduled time each request was sent: the generator's
 *     own error, which every latency includes (requests dropped by the generator are not counted)
 * @param overall all traffic
 * @param byTier each tier, in the mix's order
 */
public record LoadgenResult(
    String url,
    double offeredRate,
    double achievedRate,
    double durationSeconds,
    double elapsedSeconds,
    Percentiles sendLatenessMs,
    TierResult overall,
    Map<String, TierResult> byTier) {

  public LoadgenResult {
    byTier = Collections.unmodifiableMap(new LinkedHashMap<>(byTier));
  }
}
