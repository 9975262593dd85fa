package dev.switchboard.sim.workload;

/**
 * On/off traffic: Poisson at {@code rateOn} for {@code onSeconds}, then at {@code rateOff} (often
 * 0) for {@code offSeconds}, over and over.
 */
public final class BurstyWorkload implements Workload {
  private final StopRule stop;
  private final ClockedArrivals arrivals;

  BurstyWorkload(
      double rateOnPerSecond,
      double rateOffPerSecond,
      double onSeconds,
      double offSeconds,
      StopRule stop,
      ArrivalFactory factory,
      RandomStreams rnd) {
    this.stop = stop;
    PoissonClock clock =
        new PoissonClock(
            new double[] {rateOnPerSecond, rateOffPerSecond},
            new double[] {onSeconds, offSeconds},
            true,
            rnd.arrivals);
    this.arrivals = new ClockedArrivals(clock, stop, factory);
  }

  @Override
  public Arrival next() {
    return arrivals.next();
  }

  @Override
  public long expectedCount() {
    return stop.expectedCountOfEndlessStream();
  }
}
