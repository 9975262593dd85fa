package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;

/**
 * {@code type: bursty}: Poisson at {@code rate_on_per_s} for {@code on_s}, then at {@code
 * rate_off_per_s} (often 0) for {@code off_s}, over and over.
 */
record BurstyPattern(double rateOn, double rateOff, double onSeconds, double offSeconds)
    implements ArrivalPattern {
  static final String[] FIELDS = {"rate_on_per_s", "rate_off_per_s", "on_s", "off_s"};

  static BurstyPattern parse(Node workload) {
    return new BurstyPattern(
        workload.positive("rate_on_per_s"),
        workload.nonNegative("rate_off_per_s", 0),
        workload.positive("on_s"),
        workload.positive("off_s"));
  }

  @Override
  public boolean endless() {
    return true;
  }

  @Override
  public Workload create(
      StopRule stop, ArrivalFactory factory, RandomStreams streams, double poolCapacityPerSecond) {
    PoissonClock clock =
        new PoissonClock(
            new double[] {rateOn, rateOff},
            new double[] {onSeconds, offSeconds},
            true,
            streams.arrivals);
    return new ClockedWorkload(clock, stop, factory);
  }
}
