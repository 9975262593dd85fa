package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/** Continuous uniform on {@code [min, max)}. */
record UniformDistribution(double min, double max) implements Distribution {

  @Override
  public double sample(SplittableRandom rnd) {
    return min + (max - min) * rnd.nextDouble();
  }

  @Override
  public double mean() {
    return (min + max) / 2;
  }
}
