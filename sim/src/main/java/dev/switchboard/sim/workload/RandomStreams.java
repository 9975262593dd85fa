package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/**
 * One independent random stream per aspect of a workload, split from the seed in a fixed order, so
 * that changing one aspect (say the tier mix, or the prompt distribution) leaves the others' draws,
 * and so the arrival times, exactly as they were.
 */
final class RandomStreams {
  final SplittableRandom arrivals;
  final SplittableRandom prompt;
  final SplittableRandom output;
  final SplittableRandom service;
  final SplittableRandom tiers;

  RandomStreams(long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    this.arrivals = root.split();
    this.prompt = root.split();
    this.output = root.split();
    this.service = root.split();
    this.tiers = root.split();
  }
}
