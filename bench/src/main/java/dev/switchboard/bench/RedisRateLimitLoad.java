package dev.switchboard.bench;

import dev.switchboard.core.Clock;
import dev.switchboard.core.ratelimit.Quota;
import dev.switchboard.core.ratelimit.RateLimits;
import dev.switchboard.gateway.ratelimit.GatewayRateLimiter;
import dev.switchboard.gateway.ratelimit.OnOutage;
import dev.switchboard.gateway.ratelimit.RateLimitConfig;
import dev.switchboard.gateway.ratelimit.RedisBucketStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Redis-backed rate-limit decisions per second from one gateway process: {@code concurrency}
 * decisions in flight at once (as a gateway's event loops have), over {@code keys} API keys, for a
 * fixed time. Baseline from the same run: bare Lettuce {@code INCR} round trips at the same
 * concurrency on the same server — what one Redis command costs here.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.switchboard.bench.RedisRateLimitLoad
 * redis://127.0.0.1:PORT [seconds] [concurrency] [keys] [limits: 1 = requests per key, 2 = requests and
 * tokens per key, 4 = those and the tier's]}
 */
public final class RedisRateLimitLoad {
  /** Threads issuing decisions: a gateway on this 2-core machine runs two event loops. */
  private static final int DRIVERS = 2;

  private RedisRateLimitLoad() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int keys = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    int buckets = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    String[] ids = new String[keys];
    for (int k = 0; k < keys; k++) {
      ids[k] = String.format("%064x", k);
    }

    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      var async = c.async();
      run("warm-up: bare INCR", 3, concurrency, n -> async.incr("bench:" + (n % keys)).toCompletableFuture());
      double bare = run("bare Lettuce INCR", seconds, concurrency, n -> async.incr("bench:" + (n % keys)).toCompletableFuture());

      // The highest limit Bucket4j takes (a token per nanosecond): every decision admits.
      long most = 60_000_000_000L;
      RateLimits limits =
          switch (buckets) {
            case 1 -> new RateLimits(new Quota(most, 0), Map.of(), Map.of());
            case 2 -> new RateLimits(new Quota(most, most), Map.of(), Map.of());
            case 4 -> new RateLimits(new Quota(most, most), Map.of("vip", new Quota(most, most)), Map.of());
            default -> throw new IllegalArgumentException("limits: 1, 2 or 4, was " + buckets);
          };
      RateLimitConfig.Redis redis = new RateLimitConfig.Redis(uri, 1, OnOutage.FAIL_CLOSED, Duration.ofSeconds(2));
      RedisBucketStore store = RedisBucketStore.connect(uri, Duration.ofSeconds(2));
      try (GatewayRateLimiter limiter = GatewayRateLimiter.shared(limits, store, redis, Clock.system())) {
        LongAdder refused = new LongAdder();
        Op decide =
            n -> limiter.acquire(ids[(int) (n % keys)], "vip", 300)
                .toCompletableFuture()
                .thenAccept(a -> {
                  if (!a.allowed()) {
                    refused.increment();
                  }
                });
        // Bucket4j and Lettuce take a while to be compiled hot.
        run("warm-up: decisions", 10, concurrency, decide);
        double decisions = run("rate-limit decisions, " + buckets + (buckets == 1 ? " limit" : " limits"), seconds, concurrency, decide);
        System.out.printf(
            "decisions / bare INCR = %.2f; refused: %d; fallback decisions: %d%n",
            decisions / bare, refused.sum(), limiter.fallbackDecisions());
      } finally {
        store.close();
      }
    } finally {
      client.shutdown();
    }
  }

  interface Op {
    java.util.concurrent.CompletableFuture<?> start(long n);
  }

  /**
   * Runs {@code op} from {@value #DRIVERS} threads, as a gateway's event loops would call it (the
   * synchronous part of a decision runs on the caller's thread), with {@code concurrency} in flight
   * in all.
   */
  private static double run(String name, int seconds, int concurrency, Op op) throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong next = new AtomicLong();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    Thread[] drivers = new Thread[DRIVERS];
    for (int d = 0; d < DRIVERS; d++) {
      drivers[d] =
          new Thread(
              () -> {
                try {
                  while (System.nanoTime() < end) {
                    slots.acquire();
                    op.start(next.getAndIncrement())
                        .whenComplete(
                            (r, e) -> {
                              if (e != null) {
                                failed.incrementAndGet();
                              }
                              done.incrementAndGet();
                              slots.release();
                            });
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "driver-" + d);
      drivers[d].start();
    }
    for (Thread t : drivers) {
      t.join();
    }
    slots.acquire(concurrency);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double rate = done.get() / elapsed;
    System.out.printf("%-50s %,12.0f /s  (%d failed)%n", name, rate, failed.get());
    return rate;
  }
}
