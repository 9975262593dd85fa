package dev.switchboard.sim.workload;

/**
 * When a workload ends: after {@code requests} arrivals or at {@code durationNanos} of virtual
 * time, whichever comes first (either may be unlimited).
 */
record StopRule(long requests, double durationNanos) {

  static final StopRule NONE = new StopRule(Long.MAX_VALUE, Double.POSITIVE_INFINITY);

  /** Whether the arrival with sequence number {@code index} at {@code atNanos} still belongs. */
  boolean admits(long index, double atNanos) {
    return index < requests && atNanos < durationNanos;
  }

  /** The number of arrivals when only the request count can stop an endless stream; else -1. */
  long expectedCountOfEndlessStream() {
    return requests != Long.MAX_VALUE && durationNanos == Double.POSITIVE_INFINITY ? requests : -1;
  }
}
