package dev.switchboard.gateway.ratelimit;

import io.github.bucket4j.TimeMeter;

/**
 * A wall clock that stands still, shared by the test's "gateways", so that refill during a test
 * cannot blur an exact count.
 */
final class FrozenWallClock implements TimeMeter {
  private final long nanos = System.currentTimeMillis() * 1_000_000L;

  @Override
  public long currentTimeNanos() {
    return nanos;
  }

  @Override
  public boolean isWallClockBased() {
    return true;
  }
}
