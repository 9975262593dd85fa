package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/**
 * Arrival times of a Poisson process whose rate is constant within each level of a schedule: one
 * endless level for plain Poisson, on/off for bursts, a list for steps. Each gap is one unit
 * exponential of "work" spent at the current level's rate, carried over level boundaries (time
 * rescaling), so the process is exact at the boundaries and a level of rate 0 gets no arrivals.
 */
final class PoissonClock {
  private final double[] ratePerNano;
  private final double[] lengthNanos;
  private final boolean repeat;
  private final boolean endless;

  /** Expected arrivals in one pass over the schedule, to skip whole quiet cycles at once. */
  private final double cycleWork;

  private final double cycleNanos;
  private final SplittableRandom rnd;

  private int level;
  private double levelStart;
  private double now;

  /**
   * @param ratesPerSecond the rate of each level (≥ 0; with {@code repeat}, at least one > 0)
   * @param lengthsSeconds each level's length (> 0; may be infinite for the last)
   * @param repeat start over after the last level, rather than end
   */
  PoissonClock(
      double[] ratesPerSecond, double[] lengthsSeconds, boolean repeat, SplittableRandom rnd) {
    if (ratesPerSecond.length == 0 || ratesPerSecond.length != lengthsSeconds.length) {
      throw new IllegalArgumentException("need one length per rate, and at least one level");
    }
    this.ratePerNano = new double[ratesPerSecond.length];
    this.lengthNanos = new double[ratesPerSecond.length];
    double work = 0;
    double length = 0;
    for (int i = 0; i < ratesPerSecond.length; i++) {
      if (!(ratesPerSecond[i] >= 0) || !(lengthsSeconds[i] > 0)) {
        throw new IllegalArgumentException("level " + i + ": rate must be >= 0 and length > 0");
      }
      ratePerNano[i] = ratesPerSecond[i] / 1e9;
      lengthNanos[i] = lengthsSeconds[i] * 1e9;
      if (ratePerNano[i] > 0) {
        work += ratePerNano[i] * lengthNanos[i];
      }
      length += lengthNanos[i];
    }
    if (repeat && !(work > 0 && Double.isFinite(length))) {
      throw new IllegalArgumentException("a repeating schedule needs finite levels and some rate");
    }
    this.cycleWork = work;
    this.cycleNanos = length;
    this.repeat = repeat;
    this.endless = repeat || Double.isInfinite(lengthNanos[lengthNanos.length - 1]);
    this.rnd = rnd;
  }

  /** Whether arrivals go on for ever: the schedule repeats, or its last level never ends. */
  boolean endless() {
    return endless;
  }

  /** The next arrival time in nanoseconds, or NaN once a non-repeating schedule has ended. */
  double next() {
    double work = -Math.log(1 - rnd.nextDouble());
    while (true) {
      if (level == ratePerNano.length) {
        if (!repeat) {
          return Double.NaN;
        }
        level = 0;
        if (work >= cycleWork) {
          // Whole cycles with no arrival in them: jump over them rather than walk.
          double cycles = Math.floor(work / cycleWork);
          work = Math.max(0, work - cycles * cycleWork);
          levelStart += cycles * cycleNanos;
          now = levelStart;
        }
      }
      double rate = ratePerNano[level];
      double end = levelStart + lengthNanos[level];
      double available = rate > 0 ? rate * (end - now) : 0;
      if (work < available) {
        now += work / rate;
        return now;
      }
      work -= available;
      now = end;
      levelStart = end;
      level++;
    }
  }
}
