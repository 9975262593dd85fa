package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/** Token counts: a distribution's samples rounded to whole tokens. */
final class RoundedTokens implements TokenDistribution {
  private final Distribution distribution;

  RoundedTokens(Distribution distribution) {
    this.distribution = distribution;
  }

  @Override
  public int sample(SplittableRandom rnd) {
    // Bounds are whole numbers, so rounding a clamped sample stays within them.
    return (int) Math.min(Integer.MAX_VALUE, Math.round(distribution.sample(rnd)));
  }

  @Override
  public double mean() {
    return distribution.mean();
  }

  @Override
  public String toString() {
    return distribution.toString();
  }
}
