package dev.switchboard.core.ratelimit;

import io.github.bucket4j.ConsumptionProbe;
import java.util.concurrent.CompletionStage;

/**
 * One Bucket4j bucket, local or remote, seen through the three operations a rate limiter needs.
 * Asynchronous so that a remote store never blocks its caller; a local store answers with
 * completed stages. A stage completes exceptionally when the store cannot be reached.
 */
public interface TokenBucket {

  /**
   * Takes {@code tokens} if they are all there (Bucket4j {@code tryConsumeAndReturnRemaining}); the
   * probe says whether they were taken, what is left, and how long until enough or all refill.
   */
  CompletionStage<ConsumptionProbe> tryConsume(long tokens);

  /**
   * {@link #tryConsume} answered at once, for a store that can (a local one), at {@code nowNanos}
   * on the store's clock ({@link BucketStore#nanoTime}); null for one that cannot, and then nothing
   * was taken. The caller reads the time, so that a decision over several buckets reads it once.
   */
  default ConsumptionProbe tryConsumeNow(long tokens, long nowNanos) {
    return null;
  }

  /**
   * Gives back tokens taken earlier (Bucket4j {@code addTokens}): never beyond capacity, so a late
   * refund cannot create a burst larger than the limit.
   */
  CompletionStage<Void> refund(long tokens);

  /**
   * Takes tokens whether or not they are there (Bucket4j {@code consumeIgnoringRateLimits}): the
   * bucket may go below zero, and stays closed until refill has paid the debt.
   */
  CompletionStage<Void> charge(long tokens);
}
