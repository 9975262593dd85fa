package dev.switchboard.bench;

import dev.switchboard.core.Clock;
import dev.switchboard.core.ClockTimeMeter;
import dev.switchboard.core.ratelimit.RateLimitResult;
import dev.switchboard.core.ratelimit.InMemoryBucketStore;
import dev.switchboard.core.ratelimit.Quota;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.ratelimit.RateLimits;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Local rate-limit decisions per second: the full decision (key and tier, requests and tokens: four
 * buckets, all-or-nothing, with the numbers for the rate-limit headers), the same with a tier of
 * each thread's own (what the four buckets cost when no bucket is shared between threads), a
 * decision with one requests-per-minute limit, and the baseline of one bare Bucket4j
 * {@code tryConsume} with Bucket4j's default (lock-free) bucket.
 *
 * <p>Run with {@code -t 1} for one thread and {@code -t 2} for a gateway's two event loops: each
 * thread decides for keys of its own (as each event loop serves its own connections) while the
 * tier's buckets are shared. Limits are high enough that every decision admits, the common case;
 * tear-down fails the run if any was refused, so the figure cannot come from the refusal path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateLimiterBenchmark {
  /**
   * A limit per minute below 2^31, as real ones are: above it, Bucket4j's refill checks each
   * multiplication for overflow with a division, which a real limit never pays. A full bucket of it
   * lasts the whole run at {@link #TOKENS} a decision.
   */
  private static final long HUGE = 2_000_000_000L;

  /**
   * Tokens a decision reserves. The decision's cost does not depend on the amount; one token keeps
   * the buckets from running dry during the run, which would time refusals instead of admissions.
   */
  private static final long TOKENS = 1;

  /** Threads that get a tier of their own in {@link #decisionTierOfItsOwn}. */
  private static final int MAX_THREADS = 64;

  private RateLimiter limiter;
  private RateLimiter requestsOnly;
  private Bucket bare;
  private Bucket bareLocked;
  private final LongAdder refused = new LongAdder();

  @Setup
  public void setUp() {
    Quota huge = new Quota(HUGE, HUGE);
    Map<String, Quota> tiers = new HashMap<>();
    tiers.put("vip", huge);
    for (int t = 0; t < MAX_THREADS; t++) {
      tiers.put(ownTier(t), huge);
    }
    limiter = new RateLimiter(new RateLimits(huge, tiers, Map.of()), new InMemoryBucketStore(Clock.system()));
    requestsOnly =
        new RateLimiter(new RateLimits(new Quota(HUGE, 0), Map.of(), Map.of()), new InMemoryBucketStore(Clock.system()));
    bare =
        Bucket.builder()
            .addLimit(Bandwidth.builder().capacity(HUGE).refillGreedy(HUGE, Duration.ofMinutes(1)).build())
            .withCustomTimePrecision(new ClockTimeMeter(Clock.system()))
            .build();
    bareLocked =
        Bucket.builder()
            .addLimit(Bandwidth.builder().capacity(HUGE).refillGreedy(HUGE, Duration.ofMinutes(1)).build())
            .withCustomTimePrecision(new ClockTimeMeter(Clock.system()))
            .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
            .build();
  }

  @TearDown(Level.Iteration)
  public void everyDecisionAdmitted() {
    if (refused.sum() > 0) {
      throw new IllegalStateException(refused.sum() + " decisions were refused: the limits are too low to measure admission");
    }
  }

  /** One thread's keys: 16, so the lookups are not all one cache line. */
  @State(Scope.Thread)
  public static class Keys {
    final String[] keys = new String[16];
    long next;
    String ownTier;

    @Setup
    public void setUp(ThreadParams thread) {
      if (thread.getThreadIndex() >= MAX_THREADS) {
        throw new IllegalStateException("at most " + MAX_THREADS + " threads");
      }
      ownTier = ownTier(thread.getThreadIndex());
      for (int k = 0; k < keys.length; k++) {
        keys[k] = String.format("%064x", thread.getThreadIndex() * keys.length + k);
      }
    }

    String next() {
      return keys[(int) (next++ & (keys.length - 1))];
    }
  }

  @Benchmark
  public RateLimitResult decision(Keys keys) {
    return admitted(limiter.acquireNow(keys.next(), "vip", TOKENS));
  }

  /**
   * Four limits as in {@link #decision}, but each thread's keys in a tier of its own: no bucket is
   * shared between threads, so this is what four buckets cost without contention.
   */
  @Benchmark
  public RateLimitResult decisionTierOfItsOwn(Keys keys) {
    return admitted(limiter.acquireNow(keys.next(), keys.ownTier, TOKENS));
  }

  /** The common setup: one requests-per-minute limit per key, one bucket. */
  @Benchmark
  public RateLimitResult decisionRequestsPerKeyOnly(Keys keys) {
    return admitted(requestsOnly.acquireNow(keys.next(), "vip", TOKENS));
  }

  @Benchmark
  public boolean baselineBareBucket() {
    return bare.tryConsume(1);
  }

  /** The kind of bucket {@link InMemoryBucketStore} makes: locked, updated in place. */
  @Benchmark
  public ConsumptionProbe baselineBareLockedBucketWithProbe() {
    return bareLocked.tryConsumeAndReturnRemaining(1);
  }

  @Benchmark
  public ConsumptionProbe baselineBareBucketWithProbe() {
    return bare.tryConsumeAndReturnRemaining(1);
  }

  private static String ownTier(int thread) {
    return "thread-" + thread;
  }

  private RateLimitResult admitted(RateLimitResult a) {
    if (!a.allowed()) {
      refused.increment();
    }
    return a;
  }
}
