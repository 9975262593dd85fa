package dev.switchboard.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds; all NaN when nothing was measured, so an empty tier never
 * looks fast.
 */
public record Percentiles(long count, double p50, double p95, double p99, double max) {
  static final Percentiles NONE =
      new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** From a histogram of microseconds. */
  static Percentiles ofMicros(Histogram h) {
    long n = h.getTotalCount();
    if (n == 0) {
      return NONE;
    }
    return new Percentiles(
        n,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(95) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0);
  }
}
