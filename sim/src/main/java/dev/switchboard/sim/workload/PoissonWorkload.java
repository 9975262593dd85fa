package dev.switchboard.sim.workload;

/** Requests at a steady rate with exponential gaps (a Poisson process). */
public final class PoissonWorkload implements Workload {
  private final double ratePerSecond;
  private final ClockedWorkload arrivals;

  PoissonWorkload(double ratePerSecond, StopRule stop, ArrivalFactory factory, RandomStreams rnd) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be > 0 and finite, was " + ratePerSecond);
    }
    this.ratePerSecond = ratePerSecond;
    PoissonClock clock =
        new PoissonClock(
            new double[] {ratePerSecond},
            new double[] {Double.POSITIVE_INFINITY},
            false,
            rnd.arrivals);
    this.arrivals = new ClockedWorkload(clock, stop, factory);
  }

  /** Requests per second of virtual time (resolved from {@code load} when that was given). */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  @Override
  public Arrival next() {
    return arrivals.next();
  }

  @Override
  public long expectedCount() {
    return arrivals.expectedCount();
  }
}
