package dev.switchboard.gateway.ratelimit;

import dev.switchboard.core.ratelimit.BucketSpec;
import dev.switchboard.core.ratelimit.BucketStore;
import dev.switchboard.core.ratelimit.TokenBucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Buckets kept in Redis, so that every gateway pointing at the same Redis enforces one exact limit.
 * Bucket4j's compare-and-swap proxy over Lettuce, used only through its asynchronous API: no event
 * loop ever waits on Redis.
 *
 * <p>Time: Bucket4j computes refill on the client, from the client clock of its
 * {@code ClientSideConfig} (set through the builder's {@code clientClock}: {@code wallClock}, which
 * is {@link TimeMeter#SYSTEM_MILLISECONDS} in production), and stores the result in Redis. Gateways
 * therefore agree on a bucket exactly when their wall clocks agree: skew of d shifts refill by d's
 * worth of tokens (100 ms at 600 per minute is one request). Keep the hosts on NTP.
 *
 * <p>Failure: commands fail at once while the connection is down instead of queueing, and time out
 * after {@code timeout} when Redis does not answer, so a caller can fall back quickly. Lettuce
 * reconnects by itself (backing off up to a second); a first connection that fails is retried on
 * the next use. A key expires a few seconds after its bucket would be full again, so idle keys do
 * not stay in Redis.
 */
public final class RedisBucketStore implements BucketStore, AutoCloseable {
  static final String KEY_PREFIX = "switchboard:ratelimit:";
  // A full bucket and a missing key mean the same; the margin only absorbs clock skew.
  private static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final TimeMeter wallClock;
  private final Duration timeout;
  private volatile CompletableFuture<Connected> connection;
  private volatile boolean closed;

  /**
   * A connection, and one bucket proxy per key on it (the batching lives in the proxy). Keys come
   * from the configured keys and tiers, so the map stays small.
   */
  private record Connected(
      StatefulRedisConnection<String, byte[]> redis,
      AsyncProxyManager<String> buckets,
      ConcurrentMap<String, AsyncBucketProxy> proxies) {

    AsyncBucketProxy proxy(String key, BucketConfiguration configuration) {
      // Batching folds the requests this gateway makes to one key while a command is in flight into
      // the next command: a hot key then costs one compare-and-swap per round trip instead of a
      // storm of retries. It changes nothing in what is admitted.
      return proxies.computeIfAbsent(
          key,
          k -> buckets.builder()
              .withOptimization(Optimizations.batching())
              .build(k, () -> CompletableFuture.completedFuture(configuration)));
    }
  }

  private RedisBucketStore(String uri, Duration timeout, TimeMeter wallClock) {
    this.uri = RedisURI.create(uri);
    this.timeout = timeout;
    this.wallClock = wallClock;
    // One connection needs one I/O thread; the reconnect delay is capped so recovery is quick.
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(1)
            .computationThreadPoolSize(1)
            .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
            .build());
    this.connection = open();
  }

  /**
   * Starts connecting to {@code uri} and returns at once; buckets asked for before the connection
   * is up wait for it (or fail with it).
   */
  public static RedisBucketStore connect(String uri, Duration timeout) {
    return connect(uri, timeout, TimeMeter.SYSTEM_MILLISECONDS);
  }

  /** {@link #connect(String, Duration)} on a given wall clock, which must be the same on every gateway. */
  public static RedisBucketStore connect(String uri, Duration timeout, TimeMeter wallClock) {
    if (!wallClock.isWallClockBased()) {
      throw new IllegalArgumentException("buckets shared between processes need a wall clock");
    }
    return new RedisBucketStore(uri, timeout, wallClock);
  }

  @Override
  public TokenBucket bucket(String name, BucketSpec spec) {
    return new Remote(KEY_PREFIX + name, spec.configuration());
  }

  /** Whether the connection is up now; false before the first connect and while Lettuce reconnects. */
  public boolean connected() {
    CompletableFuture<Connected> c = connection;
    return c.isDone() && !c.isCompletedExceptionally() && c.join().redis().isOpen();
  }

  /** Closes the connection and Lettuce's threads; blocks up to a few seconds, so not on an event loop. */
  @Override
  public void close() {
    closed = true;
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3_000);
  }

  private CompletableFuture<Connected> open() {
    return client.connectAsync(CODEC, uri)
        .toCompletableFuture()
        .thenApply(redis -> new Connected(redis, buckets(redis), new ConcurrentHashMap<>()));
  }

  private AsyncProxyManager<String> buckets(StatefulRedisConnection<String, byte[]> redis) {
    return Bucket4jLettuce.casBasedBuilder(redis)
        .clientClock(wallClock)
        .requestTimeout(timeout)
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
        .build()
        .asAsync();
  }

  private <T> CompletableFuture<T> withConnection(Function<Connected, CompletableFuture<T>> call) {
    CompletableFuture<Connected> current = connection;
    if (current.isCompletedExceptionally() && !closed) {
      // Lettuce only reconnects a connection it once had; a first connect that failed is ours to retry.
      synchronized (this) {
        if (connection == current) {
          connection = open();
        }
        current = connection;
      }
    }
    return current.thenCompose(call);
  }

  private final class Remote implements TokenBucket {
    private final String key;
    private final BucketConfiguration configuration;

    Remote(String key, BucketConfiguration configuration) {
      this.key = key;
      this.configuration = configuration;
    }

    @Override
    public CompletionStage<ConsumptionProbe> tryConsume(long tokens) {
      return withConnection(c -> c.proxy(key, configuration).tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public CompletionStage<Void> refund(long tokens) {
      return withConnection(c -> c.proxy(key, configuration).addTokens(tokens));
    }

    @Override
    public CompletionStage<Void> charge(long tokens) {
      return withConnection(c -> c.proxy(key, configuration).consumeIgnoringRateLimits(tokens).thenApply(penalty -> null));
    }
  }
}
