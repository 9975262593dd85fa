package dev.switchboard.loadgen;

import dev.switchboard.sim.workload.Arrival;
import dev.switchboard.sim.workload.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a workload's arrivals into the list due each time the send loop wakes. It looks one
 * arrival ahead, so it knows when to wake next, and that it is exhausted in the same wake-up that
 * hands out the last arrival.
 */
final class ArrivalSchedule {
  private final Workload workload;
  private Arrival next;
  private long taken;
  private long lastAtNanos;

  /** Reads the first arrival at once, so a bad trace fails before any request is sent. */
  ArrivalSchedule(Workload workload) {
    this.workload = workload;
    this.next = workload.next();
  }

  /** The arrivals scheduled at or before {@code elapsedNanos} not yet handed out, in order. */
  List<Arrival> due(long elapsedNanos) {
    if (next == null || next.atNanos() > elapsedNanos) {
      return List.of();
    }
    List<Arrival> out = new ArrayList<>();
    while (next != null && next.atNanos() <= elapsedNanos) {
      out.add(next);
      lastAtNanos = next.atNanos();
      taken++;
      next = workload.next();
    }
    return out;
  }

  /** The scheduled time of the next arrival, or -1 when every arrival has been handed out. */
  long nextAtNanos() {
    return next == null ? -1 : next.atNanos();
  }

  /** Whether every arrival has been handed out. */
  boolean exhausted() {
    return next == null;
  }

  /** Arrivals handed out so far. */
  long taken() {
    return taken;
  }

  /** The scheduled time of the last arrival handed out (0 before the first). */
  long lastAtNanos() {
    return lastAtNanos;
  }

  /** How many arrivals the workload will produce, or -1 when it cannot tell. */
  long expectedCount() {
    return workload.expectedCount();
  }
}
