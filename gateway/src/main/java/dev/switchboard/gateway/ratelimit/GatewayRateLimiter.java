package dev.switchboard.gateway.ratelimit;

import dev.switchboard.core.Clock;
import dev.switchboard.core.ratelimit.RateLimitResult;
import dev.switchboard.core.ratelimit.BucketStore;
import dev.switchboard.core.ratelimit.InMemoryBucketStore;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.ratelimit.RateLimits;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's rate limiter: the core {@link RateLimiter} over buckets shared through Redis, and
 * what to do when Redis cannot answer in time.
 *
 * <p>A decision that fails or takes longer than the timeout marks the store down (one log line)
 * and is answered by the outage policy instead: fail-open decides on in-memory buckets holding
 * 1/peers of every limit, so the gateways together stay near the limit without talking; fail-closed
 * refuses ({@link dev.switchboard.core.ratelimit.RateDecision.Outcome#UNAVAILABLE}, a 503). While
 * down, one request per {@link #PROBE_INTERVAL} still tries Redis; the first that succeeds marks
 * it up again (one log line), with no restart.
 *
 * <p>A decision that timed out may still land in Redis later and hold its tokens; the limit then
 * errs on the strict side. Reservations settle against the store that admitted them. Thread-safe.
 */
public final class GatewayRateLimiter implements AutoCloseable {
  /** How often a request tries Redis while it is down. */
  public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(GatewayRateLimiter.class.getName());

  private final RateLimiter shared;
  private final RateLimiter local;
  private final OnOutage onOutage;
  private final int peers;
  private final long timeoutNanos;
  private final Clock clock;
  private final Runnable onClose;
  private final AtomicBoolean available = new AtomicBoolean(true);
  private final AtomicLong nextProbeNanos = new AtomicLong();
  private final LongAdder fallbackDecisions = new LongAdder();

  private GatewayRateLimiter(
      RateLimiter shared, RateLimiter local, OnOutage onOutage, int peers, Duration timeout, Clock clock,
      Runnable onClose) {
    this.shared = shared;
    this.local = local;
    this.onOutage = onOutage;
    this.peers = peers;
    this.timeoutNanos = timeout.toNanos();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onClose = onClose;
  }

  /** The limiter the config asks for: shared through Redis if it names one, else this gateway's alone. */
  public static GatewayRateLimiter create(RateLimitConfig config, Clock clock) {
    if (config.redis().isEmpty()) {
      return local(config.limits(), clock);
    }
    RateLimitConfig.Redis redis = config.redis().get();
    RedisBucketStore store = RedisBucketStore.connect(redis.uri(), redis.timeout());
    return shared(config.limits(), store, redis, clock, store::close);
  }

  /** Limits enforced by this gateway alone, in memory; nothing can be unavailable. */
  public static GatewayRateLimiter local(RateLimits limits, Clock clock) {
    RateLimiter limiter = new RateLimiter(limits, new InMemoryBucketStore(clock));
    // In-memory decisions are complete when made: the timeout and the fallback never come into play.
    return new GatewayRateLimiter(limiter, limiter, OnOutage.FAIL_OPEN, 1, RateLimitConfig.MAX_TIMEOUT, clock, () -> {});
  }

  /**
   * Limits shared through {@code store} (which the caller closes), with {@code redis}'s peers,
   * outage policy and timeout.
   */
  public static GatewayRateLimiter shared(RateLimits limits, BucketStore store, RateLimitConfig.Redis redis, Clock clock) {
    return shared(limits, store, redis, clock, () -> {});
  }

  private static GatewayRateLimiter shared(
      RateLimits limits, BucketStore store, RateLimitConfig.Redis redis, Clock clock, Runnable onClose) {
    RateLimiter local = new RateLimiter(limits.share(redis.peers()), new InMemoryBucketStore(clock));
    return new GatewayRateLimiter(
        new RateLimiter(limits, store), local, redis.onOutage(), redis.peers(), redis.timeout(), clock, onClose);
  }

  /**
   * Decides one request without blocking. The stage completes on a Lettuce or timer thread (or at
   * once, for in-memory limits).
   *
   * @param keyId the API key's SHA-256 in hex ({@code ApiKey.digestHex()})
   * @param tier the key's tier
   * @param estimatedTokens prompt tokens estimate + {@code max_tokens}
   * @return never completes exceptionally for a store failure: that becomes the outage policy's answer
   */
  public CompletionStage<RateLimitResult> acquire(String keyId, String tier, long estimatedTokens) {
    if (!available.get() && !probeDue()) {
      return fallback(keyId, tier, estimatedTokens);
    }
    // The core limiter's stage is this decision's alone, so the timeout may complete it: buckets
    // that answer later still hold their tokens (strict side), as documented above.
    CompletableFuture<RateLimitResult> decision =
        shared.acquire(keyId, tier, estimatedTokens).toCompletableFuture().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    CompletableFuture<RateLimitResult> answer = new CompletableFuture<>();
    decision.whenComplete(
        (admission, error) -> {
          if (error == null) {
            markUp();
            answer.complete(admission);
            return;
          }
          markDown(error);
          fallback(keyId, tier, estimatedTokens)
              .whenComplete((a, e) -> {
                if (e == null) {
                  answer.complete(a);
                } else {
                  answer.completeExceptionally(e);
                }
              });
        });
    return answer;
  }

  /**
   * True when decisions are made in memory, at once ({@link #acquireNow}); false when they go to
   * Redis ({@link #acquire}).
   */
  public boolean decidesAtOnce() {
    return shared == local;
  }

  /**
   * Decides one request on the calling thread, with no stages: for limits this gateway enforces
   * alone ({@link #decidesAtOnce()}).
   *
   * @throws IllegalStateException if the limits are shared through Redis
   */
  public RateLimitResult acquireNow(String keyId, String tier, long estimatedTokens) {
    if (!decidesAtOnce()) {
      throw new IllegalStateException("limits shared through Redis are decided asynchronously; use acquire()");
    }
    return local.acquireNow(keyId, tier, estimatedTokens);
  }

  /** False while a configured Redis is unreachable (for a gauge); always true without Redis. */
  public boolean redisAvailable() {
    return available.get();
  }

  /** Decisions answered by the outage policy so far (for a counter). */
  public long fallbackDecisions() {
    return fallbackDecisions.sum();
  }

  /** Closes the Redis connection if {@link #create} opened it; blocks briefly, so not on an event loop. */
  @Override
  public void close() {
    onClose.run();
  }

  private CompletionStage<RateLimitResult> fallback(String keyId, String tier, long estimatedTokens) {
    fallbackDecisions.increment();
    if (onOutage == OnOutage.FAIL_CLOSED) {
      return CompletableFuture.completedFuture(RateLimitResult.unavailable(PROBE_INTERVAL.toNanos()));
    }
    return local.acquire(keyId, tier, estimatedTokens);
  }

  /** True for the one caller that gets to try Redis now, while it is down. */
  private boolean probeDue() {
    long now = clock.nanoTime();
    long due = nextProbeNanos.get();
    return now - due >= 0 && nextProbeNanos.compareAndSet(due, now + PROBE_INTERVAL.toNanos());
  }

  private void markDown(Throwable error) {
    nextProbeNanos.set(clock.nanoTime() + PROBE_INTERVAL.toNanos());
    if (available.compareAndSet(true, false)) {
      String policy =
          onOutage == OnOutage.FAIL_OPEN
              ? "limiting each gateway alone at 1/" + peers + " of every limit"
              : "refusing requests (503)";
      LOG.log(Level.WARNING, "rate limit store unreachable ({0}); {1} until it is back", describe(error), policy);
    }
  }

  private void markUp() {
    if (available.compareAndSet(false, true)) {
      LOG.log(Level.INFO, "rate limit store reachable again; limits are shared again");
    }
  }

  private static String describe(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
