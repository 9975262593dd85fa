package dev.switchboard.core;

import io.github.bucket4j.TimeMeter;

/** Bucket4j's time source backed by a {@link Clock}, so token buckets run on virtual time too. */
public final class ClockTimeMeter implements TimeMeter {
  private final Clock clock;

  public ClockTimeMeter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public long currentTimeNanos() {
    return clock.nanoTime();
  }

  @Override
  public boolean isWallClockBased() {
    // Only differences matter to a local bucket; the clock is monotonic, not wall time.
    return false;
  }
}
