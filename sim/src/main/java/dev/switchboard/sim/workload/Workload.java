package dev.switchboard.sim.workload;

/**
 * A finite stream of arrivals in non-decreasing time order, produced lazily so a run of millions of
 * requests holds only the ones in flight. Deterministic for a given seed.
 */
public interface Workload {

  /** The next arrival, or {@code null} when the workload is exhausted. */
  Arrival next();

  /** How many arrivals this workload will produce, or -1 when it cannot tell in advance. */
  long expectedCount();
}
