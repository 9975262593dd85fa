package dev.switchboard.core.ratelimit;

import dev.switchboard.core.request.RequestInfo;
import io.github.bucket4j.ConsumptionProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Admits a request only if every limit that applies lets it through: the key's requests and tokens
 * per minute, and its tier's. Tokens are reserved at admission from an estimate (prompt plus
 * {@code max_tokens}) and corrected when the response's usage is known, through the returned
 * {@link Reservation}.
 *
 * <p>All or nothing: the buckets are asked together, and when any refuses, the ones that gave their
 * tokens get them back, so a refused request costs nothing. Between the take and the give-back a
 * concurrent request may see those tokens missing; it is refused early, never admitted over the
 * limit.
 *
 * <p>Buckets are named by limit and key (or tier), so a changed limit starts a fresh bucket rather
 * than reusing one shaped for the old limit. Thread-safe; asynchronous only as far as the store is.
 */
public final class RateLimiter {
  private static final double NANOS_PER_MINUTE = 60e9;

  private static final int MAX_PLANS = 100_000;

  private final RateLimits limits;
  private final BucketStore store;
  private final ConcurrentMap<String, ConcurrentMap<String, Plan>> plans = new ConcurrentHashMap<>();

  public RateLimiter(RateLimits limits, BucketStore store) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.store = Objects.requireNonNull(store, "store");
  }

  public RateLimits limits() {
    return limits;
  }

  /** {@link #acquire(String, String, long)} with the estimate prompt tokens + {@code max_tokens}. */
  public CompletionStage<Admission> acquire(String keyId, RequestInfo request) {
    return acquire(keyId, request.tier(), (long) request.promptTokens() + request.maxTokens());
  }

  /**
   * Decides one request. At least one token is reserved even when the estimate is 0, so that a
   * caller out of tokens is refused although the request's size is unknown.
   *
   * @param keyId the API key's id (the gateway uses its SHA-256 in hex)
   * @param tier the key's tier
   * @param estimatedTokens prompt tokens estimate + {@code max_tokens}
   * @return the admission; completes exceptionally if the store could not be reached, after giving
   *     back whatever was taken (as far as the store allows)
   */
  public CompletionStage<Admission> acquire(String keyId, String tier, long estimatedTokens) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(tier, "tier");
    if (estimatedTokens < 0) {
      throw new IllegalArgumentException("estimated tokens must be >= 0, was " + estimatedTokens);
    }
    long reserve = Math.max(1, estimatedTokens);
    Plan plan = plan(keyId, tier);
    List<Check> checks = plan.checks(reserve);
    CompletableFuture<?>[] probes = new CompletableFuture<?>[checks.size()];
    for (int i = 0; i < probes.length; i++) {
      Check c = checks.get(i);
      CompletableFuture<ConsumptionProbe> f = c.bucket.tryConsume(c.amount).toCompletableFuture();
      probes[i] = f.thenAccept(p -> c.result = p);
    }
    return CompletableFuture.allOf(probes).handle((done, error) -> decide(checks, reserve, error));
  }

  /**
   * {@link #acquire} for a store that answers at once, like {@link InMemoryBucketStore}: the
   * simulator's way in.
   *
   * @throws IllegalStateException if the store did not answer at once
   */
  public Admission acquireNow(String keyId, String tier, long estimatedTokens) {
    if (estimatedTokens < 0) {
      throw new IllegalArgumentException("estimated tokens must be >= 0, was " + estimatedTokens);
    }
    long reserve = Math.max(1, estimatedTokens);
    List<Check> checks = plan(keyId, tier).checks(reserve);
    // Synchronous all the way: no stage per bucket, which is most of a local decision's cost.
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      c.result = c.bucket.tryConsumeNow(c.amount);
      if (c.result == null) {
        throw new IllegalStateException("the bucket store did not answer at once; use acquire()");
      }
    }
    return decide(checks, reserve, null);
  }

  /**
   * The buckets that apply to a key in a tier, resolved once: a decision then looks up two maps
   * instead of building and looking up four bucket names.
   */
  private Plan plan(String keyId, String tier) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(tier, "tier");
    ConcurrentMap<String, Plan> byTier = plans.get(keyId);
    if (byTier == null) {
      if (plans.size() >= MAX_PLANS) {
        // Keys come and go; a bounded cache forgets them all rather than grow without end.
        plans.clear();
      }
      byTier = plans.computeIfAbsent(keyId, k -> new ConcurrentHashMap<>(4));
    }
    Plan plan = byTier.get(tier);
    if (plan == null) {
      plan = byTier.computeIfAbsent(tier, t -> newPlan(keyId, t));
    }
    return plan;
  }

  private Plan newPlan(String keyId, String tier) {
    Quota key = limits.forKey(keyId);
    Quota tierQuota = limits.forTier(tier);
    List<Check> template = new ArrayList<>(4);
    add(template, LimitedBy.KEY_REQUESTS, "rpm:", key.requestsPerMinute(), ":key:" + keyId, 1);
    add(template, LimitedBy.KEY_TOKENS, "tpm:", key.tokensPerMinute(), ":key:" + keyId, 0);
    add(template, LimitedBy.TIER_REQUESTS, "rpm:", tierQuota.requestsPerMinute(), ":tier:" + tier, 1);
    add(template, LimitedBy.TIER_TOKENS, "tpm:", tierQuota.tokensPerMinute(), ":tier:" + tier, 0);
    return new Plan(template);
  }

  /** The buckets of one key in one tier; a fresh set of checks per decision. */
  private static final class Plan {
    private final Check[] template;

    Plan(List<Check> template) {
      this.template = template.toArray(new Check[0]);
    }

    List<Check> checks(long reserve) {
      List<Check> out = new ArrayList<>(template.length);
      for (Check t : template) {
        out.add(new Check(t.kind, t.limit, t.kind.tokens() ? reserve : 1, t.bucket));
      }
      return out;
    }
  }

  private void add(List<Check> checks, LimitedBy kind, String prefix, long limit, String owner, long amount) {
    if (limit > 0) {
      checks.add(new Check(kind, limit, amount, store.bucket(prefix + limit + owner, new BucketSpec(limit))));
    }
  }

  private static Admission decide(List<Check> checks, long reserve, Throwable error) {
    boolean all = error == null;
    for (Check c : checks) {
      all &= c.consumed();
    }
    if (!all) {
      for (Check c : checks) {
        if (c.consumed()) {
          c.refunded = true;
          // Best effort: if the store is failing the refund is lost and the limit errs strict.
          c.bucket.refund(c.amount);
        }
      }
    }
    if (error != null) {
      throw error instanceof CompletionException ce ? ce : new CompletionException(error);
    }
    Check requests = tightest(checks, false);
    Check tokens = tightest(checks, true);
    if (all) {
      List<TokenBucket> tokenBuckets = new ArrayList<>(2);
      for (Check c : checks) {
        if (c.kind.tokens()) {
          tokenBuckets.add(c.bucket);
        }
      }
      RateDecision allowed =
          decision(RateDecision.Outcome.ALLOWED, LimitedBy.NONE, 0, requests, tokens);
      return new Admission(allowed, new Reservation(tokenBuckets, reserve));
    }
    Check worst = null;
    for (Check c : checks) {
      if (!c.consumed() && (worst == null || c.waitNanos() > worst.waitNanos())) {
        worst = c;
      }
    }
    RateDecision limited =
        decision(RateDecision.Outcome.LIMITED, worst.kind, worst.waitNanos(), requests, tokens);
    return new Admission(limited, Reservation.NONE);
  }

  private static RateDecision decision(
      RateDecision.Outcome outcome, LimitedBy by, long retryAfter, Check requests, Check tokens) {
    return new RateDecision(
        outcome,
        by,
        retryAfter,
        requests == null ? 0 : requests.limit,
        requests == null ? 0 : requests.remaining(),
        requests == null ? 0 : requests.reset(),
        tokens == null ? 0 : tokens.limit,
        tokens == null ? 0 : tokens.remaining(),
        tokens == null ? 0 : tokens.reset());
  }

  /** Of the key's and the tier's limit in one dimension, the one with fewer left (then the lower). */
  private static Check tightest(List<Check> checks, boolean tokens) {
    Check best = null;
    for (Check c : checks) {
      if (c.kind.tokens() != tokens) {
        continue;
      }
      if (best == null
          || c.remaining() < best.remaining()
          || (c.remaining() == best.remaining() && c.limit < best.limit)) {
        best = c;
      }
    }
    return best;
  }

  /** One bucket asked for one request; mutable only while that request is decided. */
  private static final class Check {
    final LimitedBy kind;
    final long limit;
    final long amount;
    final TokenBucket bucket;
    /** The bucket's answer; null while it is asked, or when it could not be asked. */
    ConsumptionProbe result;
    boolean refunded;

    Check(LimitedBy kind, long limit, long amount, TokenBucket bucket) {
      this.kind = kind;
      this.limit = limit;
      this.amount = amount;
      this.bucket = bucket;
    }

    boolean consumed() {
      return result != null && result.isConsumed();
    }

    long waitNanos() {
      return result.getNanosToWaitForRefill();
    }

    long remaining() {
      long left = result.getRemainingTokens();
      return refunded ? Math.min(limit, left + amount) : left;
    }

    long reset() {
      long reset = result.getNanosToWaitForReset();
      // A given-back amount no longer needs refilling.
      return refunded ? Math.max(0, reset - Math.round(amount * NANOS_PER_MINUTE / limit)) : reset;
    }
  }
}
