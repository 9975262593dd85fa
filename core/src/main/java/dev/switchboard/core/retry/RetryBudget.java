package dev.switchboard.core.retry;

import dev.switchboard.core.Clock;
import dev.switchboard.core.ClockTimeMeter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Finagle's retry budget: retries may add at most {@code percent}% to the requests, plus a floor of
 * {@code minPerSecond} so that a quiet service can still retry. Without a budget, retries during an
 * outage multiply the load on the replicas that are left.
 *
 * <p>A Bucket4j token bucket in units of 1/{@value #UNITS} retry: every request deposits
 * {@code percent}% of a retry, the floor refills continuously, and a retry withdraws a whole one.
 * The bucket holds at most {@value #MAX_STORED} retries or ten seconds of the floor, whichever is
 * more, which bounds the burst of retries an outage can draw from a long quiet spell.
 * Thread-safe.
 */
public final class RetryBudget {
  private static final long UNITS = 1000;
  static final long MAX_STORED = 100;

  private final Bucket bucket;
  private final long deposit;

  public RetryBudget(Clock clock, double percent, double minPerSecond) {
    if (!(percent >= 0) || percent > 1000) {
      throw new IllegalArgumentException("retry budget percent must be in [0, 1000], was " + percent);
    }
    if (!(minPerSecond >= 0) || Double.isInfinite(minPerSecond)) {
      throw new IllegalArgumentException("retry budget minimum per second must be >= 0, was " + minPerSecond);
    }
    this.deposit = Math.round(percent / 100.0 * UNITS);
    long capacity = Math.max(MAX_STORED * UNITS, Math.round(minPerSecond * 10 * UNITS));
    long refillPerSecond = Math.round(minPerSecond * UNITS);
    Bandwidth limit =
        refillPerSecond > 0
            ? Bandwidth.builder()
                .capacity(capacity)
                .refillGreedy(refillPerSecond, Duration.ofSeconds(1))
                .initialTokens(Math.min(capacity, refillPerSecond))
                .build()
            : Bandwidth.builder().capacity(capacity).refillGreedy(1, Duration.ofDays(3650)).initialTokens(0).build();
    this.bucket = Bucket.builder().addLimit(limit).withCustomTimePrecision(new ClockTimeMeter(clock)).build();
  }

  /** A request (not a retry) was made: it earns its share of a retry. */
  public void onRequest() {
    onRequests(1);
  }

  /** {@code n} requests were made (callers may batch their deposits). */
  public void onRequests(int n) {
    if (deposit > 0 && n > 0) {
      bucket.addTokens(deposit * n);
    }
  }

  /** Takes one retry from the budget; false when it is spent. */
  public boolean tryRetry() {
    return bucket.tryConsume(UNITS);
  }

  /** Whole retries available now, for metrics and tests. */
  public long available() {
    return bucket.getAvailableTokens() / UNITS;
  }
}
