package dev.switchboard.sim.workload;

/**
 * Rate levels held in turn, e.g. 10/s for a minute, then 50/s, then a pause (rate 0): the shape for
 * watching a policy react to a change. Ends after the last level, or starts over when repeating.
 */
public final class StepWorkload implements Workload {
  private final boolean repeat;
  private final StopRule stop;
  private final ClockedArrivals arrivals;

  StepWorkload(
      double[] ratesPerSecond,
      double[] durationsSeconds,
      boolean repeat,
      StopRule stop,
      ArrivalFactory factory,
      RandomStreams rnd) {
    this.repeat = repeat;
    this.stop = stop;
    PoissonClock clock = new PoissonClock(ratesPerSecond, durationsSeconds, repeat, rnd.arrivals);
    this.arrivals = new ClockedArrivals(clock, stop, factory);
  }

  @Override
  public Arrival next() {
    return arrivals.next();
  }

  @Override
  public long expectedCount() {
    return repeat ? stop.expectedCountOfEndlessStream() : -1;
  }
}
