package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/** Always {@code value}; draws nothing from the random stream. */
record ConstantDistribution(double value) implements Distribution {

  @Override
  public double sample(SplittableRandom rnd) {
    return value;
  }

  @Override
  public double mean() {
    return value;
  }
}
