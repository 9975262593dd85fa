package dev.switchboard.core.replica;

import dev.switchboard.core.Clock;

/**
 * Finagle's peak-sensitive moving average of latency, kept exactly as Finagle's {@code PeakEwma}
 * metric does it:
 *
 * <ul>
 *   <li>a sample above the current estimate replaces it (the "peak");
 *   <li>otherwise the estimate decays toward the sample with weight {@code w = exp(-Δt/τ)}, Δt being
 *       the time since the last observation (samples are unevenly spaced);
 *   <li>reading the cost first observes a zero sample, so an estimate nobody refreshes decays
 *       toward zero and the replica is tried again;
 *   <li>cost = estimate · (pending + 1); a replica with no sample yet but requests pending scores a
 *       large penalty so that it is not flooded before its first response.
 * </ul>
 *
 * <p>Thread-safe: a short lock per replica, as in Finagle; no allocation.
 */
public final class PeakEwma {
  /** Finagle's penalty: {@code Long.MaxValue >> 16}. */
  public static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  private final Clock clock;
  private final double decayNanos;
  private long stamp;
  private double estimate;

  public PeakEwma(Clock clock, long decayNanos) {
    if (decayNanos <= 0) {
      throw new IllegalArgumentException("decay time must be > 0 ns, was " + decayNanos);
    }
    this.clock = clock;
    this.decayNanos = decayNanos;
    this.stamp = clock.nanoTime();
  }

  /** Records one round-trip (or time-to-first-byte) sample, in nanoseconds. */
  public synchronized void observe(long latencyNanos) {
    update(Math.max(latencyNanos, 0L));
  }

  /**
   * Records a sample that may raise the estimate but never lowers it, for a failed request: one
   * lock for the comparison and the update, and no averaging in of a lower sample, so neither a
   * concurrent peak nor rounding can make a failing replica look faster.
   */
  public synchronized void observeAtLeastEstimate(long latencyNanos) {
    if (latencyNanos > estimate) {
      update(latencyNanos);
    } else {
      // As a sample equal to the estimate would: the estimate stands and is fresh as of now.
      stamp = clock.nanoTime();
    }
  }

  /**
   * The load score for a replica with {@code pending} outstanding requests: lower is better.
   * Decays the estimate as a side effect, as Finagle's does.
   */
  public synchronized double cost(int pending) {
    update(0.0);
    if (estimate == 0.0 && pending != 0) {
      return PENALTY + pending;
    }
    return estimate * (pending + 1);
  }

  /** The current estimate in nanoseconds, without decaying it. */
  public synchronized double estimateNanos() {
    return estimate;
  }

  private void update(double sample) {
    long now = clock.nanoTime();
    long elapsed = Math.max(now - stamp, 0L);
    double w = Math.exp(-elapsed / decayNanos);
    if (sample > estimate) {
      estimate = sample;
    } else {
      estimate = estimate * w + sample * (1.0 - w);
    }
    stamp = now;
  }
}
