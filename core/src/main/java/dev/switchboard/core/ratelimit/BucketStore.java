package dev.switchboard.core.ratelimit;

/**
 * Where buckets live: in this process ({@link InMemoryBucketStore}) or shared by several gateways
 * (Redis, in the gateway module).
 */
public interface BucketStore {

  /**
   * The bucket called {@code name}, created full with {@code spec} if it does not exist yet. The
   * spec is only used on creation: callers put whatever changes it (the limit) into the name.
   */
  TokenBucket bucket(String name, BucketSpec spec);

  /**
   * The time on the clock this store's buckets refill by, for {@link TokenBucket#tryConsumeNow};
   * -1 for a store whose buckets do not answer at once.
   */
  default long nanoTime() {
    return -1;
  }
}
