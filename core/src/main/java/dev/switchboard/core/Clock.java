package dev.switchboard.core;

/**
 * The only source of time for a policy. One method, in nanoseconds, like Caffeine's {@code Ticker}:
 * the live runtime passes {@link #system()}, the simulator and tests a {@link ManualClock}.
 *
 * <p>Values are only meaningful as differences between readings of the same clock.
 */
@FunctionalInterface
public interface Clock {

  /** Current time in nanoseconds; monotonic, with an arbitrary origin. */
  long nanoTime();

  /** The monotonic system clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
