package dev.switchboard.core;

import java.time.Duration;

/**
 * A clock that moves only when told to: the simulator's virtual time and the tests' time.
 * Not thread-safe for concurrent writers; readers on other threads see a recent value.
 */
public final class ManualClock implements Clock {
  private volatile long now;

  public ManualClock() {
    this(0L);
  }

  public ManualClock(long startNanos) {
    this.now = startNanos;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Moves the clock to {@code nanos}; time never goes backwards. */
  public void setNanos(long nanos) {
    if (nanos < now) {
      throw new IllegalArgumentException("time cannot go backwards: " + nanos + " < " + now);
    }
    now = nanos;
  }

  public void advance(Duration by) {
    advanceNanos(by.toNanos());
  }

  public void advanceNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("cannot advance by a negative amount: " + nanos);
    }
    now += nanos;
  }

  @Override
  public String toString() {
    return "ManualClock[" + now + "ns]";
  }
}
