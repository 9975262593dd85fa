package dev.switchboard.sim.workload;

/** The type-specific part of a {@code workload:} section: when requests arrive. */
interface ArrivalPattern {

  /**
   * Whether arrivals never run out by themselves, so {@code requests} or {@code duration_s} must
   * end them.
   */
  boolean endless();

  Workload create(
      StopRule stop, ArrivalFactory factory, RandomStreams streams, double poolCapacityPerSecond);
}
