package dev.switchboard.core.replica;

import dev.switchboard.core.Clock;

/**
 * A replica's service rate μ learned online, in completions per second of busy time: the number of
 * completions divided by the time the replica had at least one request outstanding, both decayed
 * with the same time constant so that the estimate follows a replica that slows down.
 *
 * <p>Counting busy time rather than request latency keeps queueing out of the estimate: a replica
 * with a long queue is not thereby judged slow. Thread-safe; no allocation.
 */
public final class ServiceRate {
  private final Clock clock;
  private final double decayNanos;
  private long stamp;
  private double completions;
  private double busyNanos;

  public ServiceRate(Clock clock, long decayNanos) {
    if (decayNanos <= 0) {
      throw new IllegalArgumentException("decay time must be > 0 ns, was " + decayNanos);
    }
    this.clock = clock;
    this.decayNanos = decayNanos;
    this.stamp = clock.nanoTime();
  }

  /**
   * Accounts for the time since the last change. Call before every change of the outstanding
   * count, with the count as it was until now.
   */
  public synchronized void onChange(int outstandingBefore, boolean completed) {
    long now = clock.nanoTime();
    long elapsed = Math.max(now - stamp, 0L);
    double w = Math.exp(-elapsed / decayNanos);
    // Time spent busy since the last change counts at full weight: it is recent.
    busyNanos = busyNanos * w + (outstandingBefore > 0 ? elapsed : 0L);
    completions = completions * w + (completed ? 1.0 : 0.0);
    stamp = now;
  }

  /** Completions per second of busy time, or {@code NaN} before the first completion. */
  public synchronized double perSecond(int outstandingNow) {
    double busy = busyNanos;
    if (outstandingNow > 0) {
      busy += Math.max(clock.nanoTime() - stamp, 0L);
    }
    if (completions <= 0.0 || busy <= 0.0) {
      return Double.NaN;
    }
    return completions / busy * 1e9;
  }
}
