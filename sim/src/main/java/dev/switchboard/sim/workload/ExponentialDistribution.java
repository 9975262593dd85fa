package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/** Exponential with the given mean, clamped to {@code [min, max]} ({@code max} may be infinite). */
record ExponentialDistribution(double scale, double min, double max) implements Distribution {

  @Override
  public double sample(SplittableRandom rnd) {
    // 1 - u is in (0, 1], so the log is finite.
    double x = -scale * Math.log(1 - rnd.nextDouble());
    return Math.min(max, Math.max(min, x));
  }

  /** For X ~ Exp(mean m) clamped to [a, b]: E = a + m (e^(-a/m) - e^(-b/m)). */
  @Override
  public double mean() {
    return min + scale * (Math.exp(-min / scale) - Math.exp(-max / scale));
  }
}
