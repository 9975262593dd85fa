package dev.switchboard.sim.metrics;

import java.util.List;
import java.util.Map;

/**
 * What one policy got on one scenario. Immutable.
 *
 * @param policy the policy's name
 * @param completed requests that finished
 * @param rejected requests not served: no routable replica, shed by the admission queue, rate
 *     limited, or refused by the replica's engine
 * @param errors requests that failed after a try failed (a 5xx, a connection reset) and could not
 *     be retried, or whose retries failed too
 * @param retries tries made again on another replica after a failed one
 * @param ejections times outlier detection ejected a replica
 * @param latencyMs end-to-end latency
 * @param ttftMs time to first token (for the service-time model: to the whole response)
 * @param interTokenMs time between tokens of a stream (step model only; empty otherwise)
 * @param queueWaitMs time waiting in a replica's queue before service began
 * @param throughputPerSecond completed requests per second of virtual time
 * @param durationSeconds virtual time from the first arrival to the last completion
 * @param replicaShare fraction of tries each replica received, in the scenario's replica order
 * @param replicaUtilization fraction of time each replica was busy, in the scenario's replica order
 * @param latencyCdf points (latency ms, cumulative fraction) for charts
 * @param series load and latency over time
 * @param byTier per-tier latency summaries, in tier order
 * @param stateChanges each replica's state changes in time order, by replica id in the scenario's
 *     order (replicas that stayed READY have none)
 */
public record PolicyResult(
    String policy,
    long completed,
    long rejected,
    long errors,
    long retries,
    long ejections,
    Percentiles latencyMs,
    Percentiles ttftMs,
    Percentiles interTokenMs,
    Percentiles queueWaitMs,
    double throughputPerSecond,
    double durationSeconds,
    double[] replicaShare,
    double[] replicaUtilization,
    List<double[]> latencyCdf,
    TimeSeries series,
    Map<String, TierResult> byTier,
    Map<String, List<StateChange>> stateChanges) {

  /**
   * Per-tier summaries.
   *
   * @param rejected shed by the admission queue (503) or refused by a replica
   * @param rateLimited refused by a rate limit (429)
   * @param errors failed after a failed try
   */
  public record TierResult(
      long completed, long rejected, long rateLimited, long errors, Percentiles latencyMs, Percentiles ttftMs) {}

  public double maxUtilization() {
    double m = 0;
    for (double u : replicaUtilization) {
      m = Math.max(m, u);
    }
    return m;
  }

  public double minUtilization() {
    double m = replicaUtilization.length == 0 ? 0 : Double.POSITIVE_INFINITY;
    for (double u : replicaUtilization) {
      m = Math.min(m, u);
    }
    return m;
  }
}
