package dev.switchboard.core.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/**
 * How one rate-limit bucket fills: {@code perMinute} tokens of capacity, refilled greedily at
 * {@code perMinute} per minute, and full when first created.
 *
 * <p>Capacity is a whole minute's allowance, so a caller that was quiet for a minute may spend it
 * at once: that is what "N per minute" means to users, and how OpenAI's limits behave. A smaller
 * capacity would smooth bursts but refuse a quiet caller's legitimate batch. The price is that any
 * 60 s window can see up to 2N (a full bucket plus a minute of refill). Greedy refill adds a token
 * every 60/N s instead of N at the end of each minute, so there is no stampede at window edges and
 * a refused caller's retry-after is short.
 *
 * @param perMinute capacity and refill per minute, > 0
 */
public record BucketSpec(long perMinute) {

  public BucketSpec {
    if (perMinute <= 0) {
      throw new IllegalArgumentException("a bucket needs a limit > 0, was " + perMinute);
    }
  }

  public BucketConfiguration configuration() {
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
        .build();
  }
}
