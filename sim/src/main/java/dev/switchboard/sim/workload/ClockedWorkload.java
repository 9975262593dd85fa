package dev.switchboard.sim.workload;

/**
 * A synthetic workload: arrival times from a clock, cut by a stop rule, sized by a factory. Poisson,
 * bursty and step traffic differ only in their clock's schedule.
 */
final class ClockedWorkload implements Workload {
  private final PoissonClock clock;
  private final StopRule stop;
  private final ArrivalFactory factory;
  private boolean done;

  ClockedWorkload(PoissonClock clock, StopRule stop, ArrivalFactory factory) {
    this.clock = clock;
    this.stop = stop;
    this.factory = factory;
  }

  @Override
  public Arrival next() {
    if (done) {
      return null;
    }
    double at = clock.next();
    if (Double.isNaN(at) || !stop.admits(factory.made(), at)) {
      done = true; // never draw again: a finished workload must stay finished
      return null;
    }
    return factory.synthetic(Math.round(at));
  }

  /** Known only when the schedule never ends and a request count alone stops it. */
  @Override
  public long expectedCount() {
    return clock.endless() ? stop.expectedCountOfEndlessStream() : -1;
  }
}
