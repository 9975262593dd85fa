package dev.switchboard.bench;

import dev.switchboard.core.ClockTimeMeter;
import dev.switchboard.core.Clock;
import dev.switchboard.core.ratelimit.Admission;
import dev.switchboard.core.ratelimit.InMemoryBucketStore;
import dev.switchboard.core.ratelimit.Quota;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.ratelimit.RateLimits;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Local rate-limit decisions per second on one thread: the full decision (key and tier, requests
 * and tokens: four buckets, all-or-nothing), a decision with one requests-per-minute limit, and the
 * baseline of one bare Bucket4j {@code tryConsume}. Limits are generous so every decision admits,
 * the common case.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateLimiterBenchmark {
  private RateLimiter limiter;
  private RateLimiter requestsOnly;
  private Bucket bare;
  private long i;

  @Setup
  public void setUp() {
    // High enough that every decision admits; Bucket4j refills at most one token per nanosecond.
    Quota huge = new Quota(1_000_000_000L, 1_000_000_000L);
    limiter =
        new RateLimiter(new RateLimits(huge, Map.of("vip", huge), Map.of()), new InMemoryBucketStore(Clock.system()));
    requestsOnly =
        new RateLimiter(
            new RateLimits(new Quota(1_000_000_000L, 0), Map.of(), Map.of()), new InMemoryBucketStore(Clock.system()));
    bare =
        Bucket.builder()
            .addLimit(Bandwidth.builder().capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofMinutes(1)).build())
            .withCustomTimePrecision(new ClockTimeMeter(Clock.system()))
            .build();
  }

  @Benchmark
  public Admission decision() {
    // 16 keys, so the lookups are not all one cache line.
    return limiter.acquireNow(KEYS[(int) (i++ & 15)], "vip", 300);
  }

  /** The common setup: one requests-per-minute limit per key, one bucket. */
  @Benchmark
  public Admission decisionRequestsPerKeyOnly() {
    return requestsOnly.acquireNow(KEYS[(int) (i++ & 15)], "vip", 300);
  }

  @Benchmark
  public boolean baselineBareBucket() {
    return bare.tryConsume(1);
  }

  private static final String[] KEYS = new String[16];

  static {
    for (int k = 0; k < KEYS.length; k++) {
      KEYS[k] = String.format("%064x", k);
    }
  }
}
