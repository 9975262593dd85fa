package dev.switchboard.sim.metrics;

/** A distribution summarised in milliseconds; all zero when nothing was recorded. */
public record Percentiles(long count, double mean, double p50, double p95, double p99, double max) {
  public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0);
}
