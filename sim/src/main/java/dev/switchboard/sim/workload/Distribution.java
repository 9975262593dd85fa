package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/**
 * A distribution of doubles, already clamped to its bounds. Token counts and service times are both
 * built on it: tokens round its samples, durations read them as milliseconds.
 */
interface Distribution {

  double sample(SplittableRandom rnd);

  /** The exact mean of {@link #sample}, clamping included. */
  double mean();
}
