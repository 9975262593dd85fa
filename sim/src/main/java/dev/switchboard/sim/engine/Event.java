package dev.switchboard.sim.engine;

/**
 * Something that happens at a point of virtual time. Subclasses are small and mutable so that a
 * recurring event (a replica's engine step, a metrics scrape) can be scheduled again without
 * allocating.
 */
public abstract class Event {
  long time;
  long seq;
  int slot = -1;

  /** Runs the event; the clock already reads {@link #time()}. */
  protected abstract void fire();

  public final long time() {
    return time;
  }

  public final boolean isScheduled() {
    return slot >= 0;
  }
}
