package dev.switchboard.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.ratelimit.RateLimitResult;
import dev.switchboard.core.ratelimit.BucketSpec;
import dev.switchboard.core.ratelimit.LimitedBy;
import dev.switchboard.core.ratelimit.Quota;
import dev.switchboard.core.ratelimit.RateDecision;
import dev.switchboard.core.ratelimit.RateLimits;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three "gateways", each with its own Redis connection, sharing one real redis-server. */
class RedisRateLimitTest {
  private static final RateLimits THIRTY_RPM = new RateLimits(new Quota(30, 0), Map.of(), Map.of());

  @RegisterExtension final RedisServer redis = new RedisServer();

  private final FrozenWallClock wallClock = new FrozenWallClock();
  private final ManualClock clock = new ManualClock();
  private final List<RedisBucketStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(RedisBucketStore::close);
  }

  private List<GatewayRateLimiter> gateways(int n, RateLimits limits, OnOutage onOutage, Duration timeout) {
    List<GatewayRateLimiter> gateways = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RedisBucketStore store = RedisBucketStore.connect(redis.uri(), timeout, wallClock);
      stores.add(store);
      warmUp(store);
      RateLimitConfig.Redis settings = new RateLimitConfig.Redis(redis.uri(), 3, onOutage, timeout);
      gateways.add(GatewayRateLimiter.shared(limits, store, settings, clock));
    }
    return gateways;
  }

  /**
   * Waits for the connection and runs Bucket4j's code once, so that a cold JVM does not make a
   * test's first decision miss a short timeout.
   */
  private void warmUp(RedisBucketStore store) {
    if (redis.running()) {
      await().atMost(Duration.ofSeconds(5)).until(store::connected);
      store.bucket("warm-up", new BucketSpec(1_000_000)).tryConsume(1).toCompletableFuture().join();
    }
  }

  private static RateLimitResult acquire(GatewayRateLimiter gateway, String key, long tokens) {
    return gateway.acquire(key, "standard", tokens).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
  }

  /** Fires {@code attempts} requests at once, spread round-robin over the gateways; counts the admitted. */
  private static int admittedConcurrently(List<GatewayRateLimiter> gateways, String key, int attempts) {
    List<CompletableFuture<RateLimitResult>> all = new ArrayList<>();
    for (int i = 0; i < attempts; i++) {
      all.add(gateways.get(i % gateways.size()).acquire(key, "standard", 1).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
    return (int) all.stream().filter(f -> f.join().allowed()).count();
  }

  private static int admitted(GatewayRateLimiter gateway, String key, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (acquire(gateway, key, 1).allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void threeGatewaysSharingRedisAdmitExactlyTheLimitInTotal() {
    List<GatewayRateLimiter> gateways = gateways(3, THIRTY_RPM, OnOutage.FAIL_CLOSED, Duration.ofSeconds(3));
    assertThat(admittedConcurrently(gateways, "k", 100)).isEqualTo(30);
    for (GatewayRateLimiter g : gateways) {
      assertThat(g.fallbackDecisions()).as("every decision came from Redis").isZero();
      RateDecision next = acquire(g, "k", 1).decision();
      assertThat(next.limitedBy()).isEqualTo(LimitedBy.KEY_REQUESTS);
      assertThat(next.retryAfterNanos()).as("one request refills in 2 s").isEqualTo(2_000_000_000L);
    }
  }

  @Test
  void tokensReservedOnOneGatewayAreSeenAndCorrectedOnAnother() {
    RateLimits limits = new RateLimits(new Quota(0, 1000), Map.of(), Map.of());
    List<GatewayRateLimiter> g = gateways(3, limits, OnOutage.FAIL_CLOSED, Duration.ofSeconds(1));
    RateLimitResult a = acquire(g.get(0), "k", 800);
    assertThat(a.decision().remainingTokens()).isEqualTo(200);
    RateDecision refused = acquire(g.get(1), "k", 300).decision();
    assertThat(refused.limitedBy()).isEqualTo(LimitedBy.KEY_TOKENS);
    assertThat(refused.remainingTokens()).isEqualTo(200);

    a.reservation().settle(100).toCompletableFuture().join();
    RateLimitResult b = acquire(g.get(1), "k", 300);
    assertThat(b.allowed()).as("700 refunded").isTrue();
    assertThat(b.decision().remainingTokens()).isEqualTo(600);

    b.reservation().settle(700).toCompletableFuture().join();
    assertThat(acquire(g.get(2), "k", 300).allowed()).as("400 charged: 200 left").isFalse();
    assertThat(acquire(g.get(2), "k", 200).decision().remainingTokens()).isZero();
  }

  @Test
  void failOpenKeepsAdmittingALimitShareOnEachGatewayWhileRedisIsDown() throws Exception {
    List<GatewayRateLimiter> gateways = gateways(3, THIRTY_RPM, OnOutage.FAIL_OPEN, Duration.ofMillis(100));
    assertThat(acquire(gateways.get(0), "k", 1).allowed()).isTrue();
    redis.kill();
    for (GatewayRateLimiter g : gateways) {
      assertThat(admitted(g, "k", 20)).as("30 / 3 peers").isEqualTo(10);
      assertThat(g.redisAvailable()).isFalse();
      assertThat(g.fallbackDecisions()).isEqualTo(20);
    }
  }

  @Test
  void failClosedRefusesWhileRedisIsDown() throws Exception {
    GatewayRateLimiter g = gateways(1, THIRTY_RPM, OnOutage.FAIL_CLOSED, Duration.ofMillis(100)).get(0);
    assertThat(acquire(g, "k", 1).allowed()).isTrue();
    redis.kill();
    RateDecision d = acquire(g, "k", 1).decision();
    assertThat(d.outcome()).isEqualTo(RateDecision.Outcome.UNAVAILABLE);
    assertThat(d.retryAfterNanos()).isEqualTo(GatewayRateLimiter.PROBE_INTERVAL.toNanos());
    assertThat(g.redisAvailable()).isFalse();
  }

  @Test
  void sharedLimitingResumesWhenRedisComesBackWithoutANewStore() throws Exception {
    // A generous timeout: this test is about recovery, and a slow machine must not fall back mid-count.
    List<GatewayRateLimiter> gateways = gateways(3, THIRTY_RPM, OnOutage.FAIL_OPEN, Duration.ofSeconds(1));
    assertThat(admittedConcurrently(gateways, "k", 10)).isEqualTo(10);
    redis.kill();
    for (GatewayRateLimiter g : gateways) {
      acquire(g, "k", 1);
      assertThat(g.redisAvailable()).isFalse();
    }
    redis.start();
    awaitShared(gateways);
    // The restarted Redis is empty: the bucket starts full, and is shared again.
    assertThat(admittedConcurrently(gateways, "k", 100)).isEqualTo(30);
  }

  @Test
  void aGatewayStartedWhileRedisIsDownConnectsOnceItIsUp() throws Exception {
    redis.kill();
    List<GatewayRateLimiter> gateways = gateways(1, THIRTY_RPM, OnOutage.FAIL_OPEN, Duration.ofMillis(100));
    assertThat(admitted(gateways.get(0), "k", 20)).as("alone at 30 / 3").isEqualTo(10);
    redis.start();
    awaitShared(gateways);
    assertThat(admitted(gateways.get(0), "k", 40)).isEqualTo(30);
  }

  @Test
  void aRedisThatStopsAnsweringTimesOutInsteadOfHoldingTheRequest() throws Exception {
    GatewayRateLimiter g = gateways(1, THIRTY_RPM, OnOutage.FAIL_OPEN, Duration.ofMillis(100)).get(0);
    assertThat(acquire(g, "k", 1).allowed()).isTrue();
    redis.pause();
    try {
      long start = System.nanoTime();
      RateLimitResult a = g.acquire("k", "standard", 1).toCompletableFuture().get(2, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(a.allowed()).as("failed open").isTrue();
      assertThat(g.redisAvailable()).isFalse();
    } finally {
      redis.resume();
    }
    awaitShared(List.of(g));
  }

  @Test
  void aBucketKeyExpiresSoonAfterItWouldBeFullAgain() {
    GatewayRateLimiter g = gateways(1, THIRTY_RPM, OnOutage.FAIL_CLOSED, Duration.ofSeconds(1)).get(0);
    assertThat(acquire(g, "k", 1).allowed()).isTrue();
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      long ttl = c.sync().pttl(RedisBucketStore.KEY_PREFIX + "rpm:30:key:k");
      // One request refills in 2 s; the key is kept 10 s more.
      assertThat(ttl).isBetween(10_000L, 12_000L);
    } finally {
      client.shutdown();
    }
  }

  /** Lets each gateway probe (one try per probe interval) until it is back on Redis. */
  private void awaitShared(List<GatewayRateLimiter> gateways) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              clock.advance(GatewayRateLimiter.PROBE_INTERVAL);
              boolean all = true;
              for (GatewayRateLimiter g : gateways) {
                acquire(g, "probe", 1);
                all &= g.redisAvailable();
              }
              return all;
            });
  }

  @Test
  void scriptsRedisForgetsAreSentAgainWithoutAFailedDecision() {
    GatewayRateLimiter g = gateways(1, THIRTY_RPM, OnOutage.FAIL_CLOSED, Duration.ofSeconds(1)).get(0);
    assertThat(admitted(g, "k", 5)).isEqualTo(5);
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      // What a restarted Redis, or an operator, does to the script cache.
      c.sync().scriptFlush();
      assertThat(admitted(g, "k", 30)).as("the 25 left of 30").isEqualTo(25);
      assertThat(g.fallbackDecisions()).isZero();
      assertThat(c.sync().info("memory")).as("loaded again").containsPattern("number_of_cached_scripts:[1-9]");
    } finally {
      client.shutdown();
    }
  }
}
