package dev.switchboard.core.ratelimit;

import dev.switchboard.core.Clock;
import dev.switchboard.core.ClockTimeMeter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Bucket4j local buckets in a map, on the injected clock: one gateway's limits, the simulator's, and
 * the gateway's fallback while Redis is out. Every stage it returns is already complete.
 *
 * <p>Buckets are never evicted: there is one per configured key and tier, and a gateway only
 * limits keys it knows. Thread-safe.
 */
public final class InMemoryBucketStore implements BucketStore {
  private final TimeMeter time;
  private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  public InMemoryBucketStore(Clock clock) {
    this.time = new ClockTimeMeter(clock);
  }

  @Override
  public TokenBucket bucket(String name, BucketSpec spec) {
    return buckets.computeIfAbsent(name, n -> new Local(create(spec)));
  }

  private Bucket create(BucketSpec spec) {
    // Locked rather than lock-free: a decision then updates the bucket in place instead of copying
    // its state; faster alone and under contention (RateLimiterBenchmark's bare-bucket baselines).
    LocalBucketBuilder builder =
        Bucket.builder().withCustomTimePrecision(time).withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED);
    for (Bandwidth limit : spec.configuration().getBandwidths()) {
      builder.addLimit(limit);
    }
    return builder.build();
  }

  /** Number of buckets created so far, for tests and metrics. */
  public int size() {
    return buckets.size();
  }

  private static final class Local implements TokenBucket {
    private final Bucket bucket;

    Local(Bucket bucket) {
      this.bucket = bucket;
    }

    @Override
    public CompletionStage<ConsumptionProbe> tryConsume(long tokens) {
      return CompletableFuture.completedFuture(bucket.tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public ConsumptionProbe tryConsumeNow(long tokens) {
      return bucket.tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public CompletionStage<Void> refund(long tokens) {
      bucket.addTokens(tokens);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> charge(long tokens) {
      try {
        bucket.consumeIgnoringRateLimits(tokens);
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        // Bucket4j refuses a debt it could never repay (overflow); report it like a store failure.
        return CompletableFuture.failedFuture(e);
      }
    }
  }
}
