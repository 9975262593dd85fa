package dev.switchboard.sim.metrics;

/**
 * Load and latency over time, in fixed buckets of virtual time.
 *
 * @param bucketSeconds width of each bucket
 * @param arrivals requests that arrived in each bucket
 * @param completed requests that completed in each bucket
 * @param meanLatencyMs mean end-to-end latency of the requests completed in each bucket (0 if none)
 * @param inFlight requests outstanding at the end of each bucket, per replica: {@code [replica][bucket]}
 */
public record TimeSeries(
    double bucketSeconds,
    long[] arrivals,
    long[] completed,
    double[] meanLatencyMs,
    int[][] inFlight) {

  public int buckets() {
    return arrivals.length;
  }
}
