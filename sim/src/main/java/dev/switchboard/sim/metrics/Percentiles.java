package dev.switchboard.sim.metrics;

import org.HdrHistogram.Histogram;

/**
 * A distribution of times summarised in milliseconds: the simulator's latencies and the load
 * generator's measured ones alike.
 *
 * <p>When nothing was recorded the count is 0 and every time is NaN, never 0: an empty summary
 * must not read as "0 ms" (a policy that completed nothing is not the fastest). Reports print an
 * empty time as {@code -} in tables and as {@code null} in JSON, which cannot hold NaN.
 */
public record Percentiles(long count, double mean, double p50, double p95, double p99, double max) {
  /** Nothing recorded. */
  public static final Percentiles EMPTY =
      new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** From a histogram of microseconds; {@link #EMPTY} when it holds nothing. */
  public static Percentiles ofMicros(Histogram h) {
    long n = h.getTotalCount();
    if (n == 0) {
      return EMPTY;
    }
    return new Percentiles(
        n,
        h.getMean() / 1000.0,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(95) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  /** Whether nothing was recorded, so that the times are NaN. */
  public boolean isEmpty() {
    return count == 0;
  }
}
