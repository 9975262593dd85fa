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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
  private final ConcurrentMap<String, Plan> plans = new ConcurrentHashMap<>();

  public RateLimiter(RateLimits limits, BucketStore store) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.store = Objects.requireNonNull(store, "store");
  }

  public RateLimits limits() {
    return limits;
  }

  /** {@link #acquire(String, String, long)} with the estimate prompt tokens + {@code max_tokens}. */
  public CompletionStage<RateLimitResult> acquire(String keyId, RequestInfo request) {
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
  public CompletionStage<RateLimitResult> acquire(String keyId, String tier, long estimatedTokens) {
    long reserve = reserve(estimatedTokens);
    Plan plan = plan(keyId, tier);
    Limit[] limits = plan.limits;
    ConsumptionProbe[] probes = new ConsumptionProbe[limits.length];
    CompletableFuture<RateLimitResult> result = new CompletableFuture<>();
    if (limits.length == 0) {
      result.complete(decide(plan, probes, reserve, null));
      return result;
    }
    // One countdown rather than a stage per bucket and a tree of allOf stages: a remote decision's
    // client cost is mostly such objects. Each answer is written before the count drops, and the
    // last one to arrive reads them all after it.
    AtomicInteger pending = new AtomicInteger(limits.length);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < limits.length; i++) {
      int at = i;
      limits[i].bucket.tryConsume(limits[i].amount(reserve))
          .whenComplete(
              (probe, error) -> {
                if (error != null) {
                  failure.compareAndSet(null, error);
                } else {
                  probes[at] = probe;
                }
                if (pending.decrementAndGet() == 0) {
                  try {
                    result.complete(decide(plan, probes, reserve, failure.get()));
                  } catch (CompletionException e) {
                    result.completeExceptionally(e.getCause() != null ? e.getCause() : e);
                  }
                }
              });
    }
    return result;
  }

  /**
   * {@link #acquire} for a store that answers at once, like {@link InMemoryBucketStore}: the
   * simulator's way in, and the gateway's when its limits are its own.
   *
   * @throws IllegalStateException if the store did not answer at once
   */
  public RateLimitResult acquireNow(String keyId, String tier, long estimatedTokens) {
    long reserve = reserve(estimatedTokens);
    Plan plan = plan(keyId, tier);
    Limit[] limits = plan.limits;
    // Synchronous all the way: no stage per bucket, which would be most of a local decision's cost.
    // One clock reading for every bucket: on a virtual machine a reading can cost as much as a bucket.
    long now = store.nanoTime();
    ConsumptionProbe[] probes = new ConsumptionProbe[limits.length];
    for (int i = 0; i < limits.length; i++) {
      probes[i] = limits[i].bucket.tryConsumeNow(limits[i].amount(reserve), now);
      if (probes[i] == null) {
        throw new IllegalStateException("the bucket store did not answer at once; use acquire()");
      }
    }
    return decide(plan, probes, reserve, null);
  }

  /** At least one token, so that a caller out of tokens is refused although the request's size is unknown. */
  private static long reserve(long estimatedTokens) {
    if (estimatedTokens < 0) {
      throw new IllegalArgumentException("estimated tokens must be >= 0, was " + estimatedTokens);
    }
    return Math.max(1, estimatedTokens);
  }

  /**
   * The buckets that apply to a key in a tier, resolved once: a decision then looks up one map
   * instead of building and looking up four bucket names. A key has one tier in practice, so the
   * map holds the key's latest plan; a key seen in another tier gets a new plan (its buckets live
   * on in the store, so nothing is lost).
   */
  private Plan plan(String keyId, String tier) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(tier, "tier");
    Plan plan = plans.get(keyId);
    if (plan != null && plan.tier.equals(tier)) {
      return plan;
    }
    if (plan == null && plans.size() >= MAX_PLANS) {
      // Keys come and go; a bounded cache forgets them all rather than grow without end.
      plans.clear();
    }
    plan = newPlan(keyId, tier);
    plans.put(keyId, plan);
    return plan;
  }

  private Plan newPlan(String keyId, String tier) {
    Quota key = limits.forKey(keyId);
    Quota tierQuota = limits.forTier(tier);
    List<Limit> out = new ArrayList<>(4);
    add(out, LimitedBy.KEY_REQUESTS, "rpm:", key.requestsPerMinute(), ":key:" + keyId);
    add(out, LimitedBy.KEY_TOKENS, "tpm:", key.tokensPerMinute(), ":key:" + keyId);
    add(out, LimitedBy.TIER_REQUESTS, "rpm:", tierQuota.requestsPerMinute(), ":tier:" + tier);
    add(out, LimitedBy.TIER_TOKENS, "tpm:", tierQuota.tokensPerMinute(), ":tier:" + tier);
    return new Plan(tier, out.toArray(new Limit[0]));
  }

  private void add(List<Limit> out, LimitedBy kind, String prefix, long limit, String owner) {
    if (limit > 0) {
      out.add(new Limit(kind, limit, store.bucket(prefix + limit + owner, new BucketSpec(limit))));
    }
  }

  /**
   * Turns the buckets' answers into a decision; {@code probes[i]} is {@code plan.limits[i]}'s
   * answer, null where it could not be asked. When any refused (or failed), every bucket that gave
   * its tokens gets them back.
   */
  private static RateLimitResult decide(Plan plan, ConsumptionProbe[] probes, long reserve, Throwable error) {
    Limit[] limits = plan.limits;
    boolean all = error == null;
    for (ConsumptionProbe p : probes) {
      all &= consumed(p);
    }
    if (!all) {
      for (int i = 0; i < limits.length; i++) {
        if (consumed(probes[i])) {
          // Best effort: if the store is failing the refund is lost and the limit errs strict.
          limits[i].bucket.refund(limits[i].amount(reserve));
        }
      }
    }
    if (error != null) {
      throw error instanceof CompletionException ce ? ce : new CompletionException(error);
    }
    // When refused, a consumed bucket's tokens went back: its numbers count them as there.
    boolean refunded = !all;
    int requests = tightest(limits, probes, false, reserve, refunded);
    int tokens = tightest(limits, probes, true, reserve, refunded);
    if (all) {
      return new RateLimitResult(
          decision(RateDecision.Outcome.ALLOWED, LimitedBy.NONE, 0, plan, probes, requests, tokens, reserve, false),
          // Without a token limit there is nothing to correct, so nothing to hold.
          plan.tokenBuckets.isEmpty() ? Reservation.NONE : new Reservation(plan.tokenBuckets, reserve));
    }
    int worst = -1;
    for (int i = 0; i < limits.length; i++) {
      if (!consumed(probes[i])
          && (worst < 0 || probes[i].getNanosToWaitForRefill() > probes[worst].getNanosToWaitForRefill())) {
        worst = i;
      }
    }
    RateDecision limited =
        decision(
            RateDecision.Outcome.LIMITED, limits[worst].kind, probes[worst].getNanosToWaitForRefill(), plan, probes,
            requests, tokens, reserve, true);
    return new RateLimitResult(limited, Reservation.NONE);
  }

  private static boolean consumed(ConsumptionProbe probe) {
    return probe != null && probe.isConsumed();
  }

  private static RateDecision decision(
      RateDecision.Outcome outcome, LimitedBy by, long retryAfter, Plan plan, ConsumptionProbe[] probes,
      int requests, int tokens, long reserve, boolean refunded) {
    Limit[] limits = plan.limits;
    return new RateDecision(
        outcome,
        by,
        retryAfter,
        requests < 0 ? 0 : limits[requests].limit,
        requests < 0 ? 0 : remaining(limits[requests], probes[requests], reserve, refunded),
        requests < 0 ? 0 : reset(limits[requests], probes[requests], reserve, refunded),
        tokens < 0 ? 0 : limits[tokens].limit,
        tokens < 0 ? 0 : remaining(limits[tokens], probes[tokens], reserve, refunded),
        tokens < 0 ? 0 : reset(limits[tokens], probes[tokens], reserve, refunded));
  }

  /**
   * Of the key's and the tier's limit in one dimension, the index of the one with fewer left (then
   * the lower limit); -1 if none applies.
   */
  private static int tightest(Limit[] limits, ConsumptionProbe[] probes, boolean tokens, long reserve, boolean refunded) {
    int best = -1;
    long bestLeft = 0;
    for (int i = 0; i < limits.length; i++) {
      if (limits[i].kind.tokens() != tokens) {
        continue;
      }
      long left = remaining(limits[i], probes[i], reserve, refunded);
      if (best < 0 || left < bestLeft || (left == bestLeft && limits[i].limit < limits[best].limit)) {
        best = i;
        bestLeft = left;
      }
    }
    return best;
  }

  private static long remaining(Limit limit, ConsumptionProbe probe, long reserve, boolean refunded) {
    long left = probe.getRemainingTokens();
    return refunded && probe.isConsumed() ? Math.min(limit.limit, left + limit.amount(reserve)) : left;
  }

  private static long reset(Limit limit, ConsumptionProbe probe, long reserve, boolean refunded) {
    long reset = probe.getNanosToWaitForReset();
    if (!(refunded && probe.isConsumed())) {
      return reset;
    }
    // A given-back amount no longer needs refilling.
    return Math.max(0, reset - Math.round(limit.amount(reserve) * NANOS_PER_MINUTE / limit.limit));
  }

  /** The buckets of one key in one tier, in {@link LimitedBy} order, and its token buckets. */
  private static final class Plan {
    final String tier;
    final Limit[] limits;
    final List<TokenBucket> tokenBuckets;

    Plan(String tier, Limit[] limits) {
      this.tier = tier;
      this.limits = limits;
      List<TokenBucket> tokens = new ArrayList<>(2);
      for (Limit l : limits) {
        if (l.kind.tokens()) {
          tokens.add(l.bucket);
        }
      }
      this.tokenBuckets = List.copyOf(tokens);
    }
  }

  /** One limit that applies to a key: which, how many per minute, and its bucket. */
  private record Limit(LimitedBy kind, long limit, TokenBucket bucket) {
    /** What one request takes from this bucket. */
    long amount(long reserve) {
      return kind.tokens() ? reserve : 1;
    }
  }
}
