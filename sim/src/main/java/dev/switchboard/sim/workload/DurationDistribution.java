package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;
import java.util.SplittableRandom;

/**
 * How long a request's work takes ({@code service_time_ms}), in the same shapes as {@link
 * TokenDistribution} but continuous: a plain number of milliseconds, or {@code {dist: uniform, min:
 * 100, max: 1000}}, {@code {dist: exponential, mean: 250}}, {@code {dist: lognormal, median: 200,
 * sigma: 0.5}}.
 */
public final class DurationDistribution {
  private static final double NANOS_PER_MILLI = 1e6;

  private final Distribution millis;

  private DurationDistribution(Distribution millis) {
    this.millis = millis;
  }

  /** Reads a distribution of milliseconds; errors name the field. */
  public static DurationDistribution parse(Node node) {
    return new DurationDistribution(DistributionParser.millis().parse(node));
  }

  /** Always {@code millis} milliseconds. */
  public static DurationDistribution constantMillis(double millis) {
    if (!(millis > 0) || Double.isInfinite(millis)) {
      throw new IllegalArgumentException("millis must be > 0 and finite, was " + millis);
    }
    return new DurationDistribution(new ConstantDistribution(millis));
  }

  /** A duration in nanoseconds, at least 1: an arrival's 0 means "no service time given". */
  public long sampleNanos(SplittableRandom rnd) {
    return Math.max(1, Math.round(millis.sample(rnd) * NANOS_PER_MILLI));
  }

  /** The mean duration in milliseconds (clamping included). */
  public double meanMillis() {
    return millis.mean();
  }

  @Override
  public String toString() {
    return millis.toString();
  }
}
