package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;

/**
 * {@code type: bursty}: {@code rate_on_per_s} for {@code on_s}, {@code rate_off_per_s} for {@code
 * off_s}.
 */
final class BurstyPattern implements ArrivalPattern {
  static final String[] FIELDS = {"rate_on_per_s", "rate_off_per_s", "on_s", "off_s"};

  private final double rateOn;
  private final double rateOff;
  private final double onSeconds;
  private final double offSeconds;

  private BurstyPattern(double rateOn, double rateOff, double onSeconds, double offSeconds) {
    this.rateOn = rateOn;
    this.rateOff = rateOff;
    this.onSeconds = onSeconds;
    this.offSeconds = offSeconds;
  }

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
    return new BurstyWorkload(rateOn, rateOff, onSeconds, offSeconds, stop, factory, streams);
  }
}
