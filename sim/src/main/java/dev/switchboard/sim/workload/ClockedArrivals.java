package dev.switchboard.sim.workload;

/**
 * The arrivals of a synthetic workload: times from a clock, cut by a stop rule, sized by a factory.
 */
final class ClockedArrivals {
  private final PoissonClock clock;
  private final StopRule stop;
  private final ArrivalFactory factory;
  private long produced;
  private boolean done;

  ClockedArrivals(PoissonClock clock, StopRule stop, ArrivalFactory factory) {
    this.clock = clock;
    this.stop = stop;
    this.factory = factory;
  }

  Arrival next() {
    if (done) {
      return null;
    }
    double at = clock.next();
    if (Double.isNaN(at) || !stop.admits(produced, at)) {
      done = true; // never draw again: a finished workload must stay finished
      return null;
    }
    produced++;
    return factory.synthetic(Math.round(at));
  }
}
