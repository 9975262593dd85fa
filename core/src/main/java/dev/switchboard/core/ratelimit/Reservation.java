package dev.switchboard.core.ratelimit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The tokens an admitted request holds in its token buckets until its real usage is known. Admission
 * reserves the estimate (prompt estimate plus {@code max_tokens}); {@link #settle} then corrects the
 * buckets to the {@code usage} the response reported.
 *
 * <p>Settle once. A second call does nothing and returns a completed stage, whatever its argument,
 * so that a request finished from two paths (stream end and connection close) is not counted twice.
 * A request that is never settled keeps its estimate, which is the safe side.
 */
public final class Reservation {

  /** Holds nothing: what a refused request gets, and an admitted one when no token limit applies. */
  public static final Reservation NONE = new Reservation(List.of(), 0);

  private final List<TokenBucket> tokenBuckets;
  private final long reserved;
  /** 1 once settled; a field updater rather than an AtomicBoolean, one object less per request. */
  private volatile int settled;

  private static final AtomicIntegerFieldUpdater<Reservation> SETTLED =
      AtomicIntegerFieldUpdater.newUpdater(Reservation.class, "settled");

  Reservation(List<TokenBucket> tokenBuckets, long reserved) {
    this.tokenBuckets = List.copyOf(tokenBuckets);
    this.reserved = reserved;
  }

  /** Tokens taken from each token bucket at admission. */
  public long reservedTokens() {
    return reserved;
  }

  public boolean settled() {
    return settled != 0;
  }

  /**
   * Corrects every token bucket by {@code actualTokens - reservedTokens()}: a refund when the request
   * used less ({@code addTokens}, capped at capacity), a charge when it used more
   * ({@code consumeIgnoringRateLimits}, which may put the bucket in debt). Pass 0 for a request that
   * produced nothing, and {@code reservedTokens()} to keep the estimate when usage is unknown.
   *
   * @param actualTokens prompt_tokens + completion_tokens from the response's {@code usage}
   * @return completes when the stores have applied it; exceptionally if one could not be reached,
   *     which callers may ignore (the estimate then stands)
   */
  public CompletionStage<Void> settle(long actualTokens) {
    if (actualTokens < 0) {
      throw new IllegalArgumentException("actual tokens must be >= 0, was " + actualTokens);
    }
    if (!SETTLED.compareAndSet(this, 0, 1)) {
      return CompletableFuture.completedFuture(null);
    }
    long difference = actualTokens - reserved;
    if (difference == 0 || tokenBuckets.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<?>[] corrections = new CompletableFuture<?>[tokenBuckets.size()];
    for (int i = 0; i < corrections.length; i++) {
      TokenBucket bucket = tokenBuckets.get(i);
      corrections[i] =
          (difference < 0 ? bucket.refund(-difference) : bucket.charge(difference)).toCompletableFuture();
    }
    return CompletableFuture.allOf(corrections);
  }

  @Override
  public String toString() {
    return "Reservation[" + reserved + " tokens in " + tokenBuckets.size() + " buckets"
        + (settled != 0 ? ", settled]" : "]");
  }
}
