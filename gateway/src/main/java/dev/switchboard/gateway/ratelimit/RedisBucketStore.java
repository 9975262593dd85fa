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
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Buckets kept in Redis, so that every gateway pointing at the same Redis enforces one exact limit.
 * Bucket4j's compare-and-swap proxy over Lettuce, used only through its asynchronous API: no event
 * loop ever waits on Redis. Its script goes by digest ({@link CachedScriptRedisApi}), over one
 * connection per core ({@link Lane}) whose writes are coalesced.
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
  /** One per core, up to 4: see {@link Lane}. */
  static final int CONNECTIONS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final TimeMeter wallClock;
  private volatile CompletableFuture<Connected> connection;
  private volatile boolean closed;

  /**
   * The connections, each with one bucket proxy per key on it (the batching lives in the proxy).
   * Keys come from the configured keys and tiers, so the maps stay small.
   */
  private record Connected(List<Lane> lanes) {

    Lane lane(String key) {
      return lanes.get(Math.floorMod(key.hashCode(), lanes.size()));
    }

    boolean open() {
      for (Lane lane : lanes) {
        if (!lane.redis.isOpen()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * One connection and the buckets whose keys hash to it. Lettuce runs a connection's replies and
   * everything Bucket4j chains on them on that connection's I/O thread, so one connection puts a
   * gateway's whole rate-limit client on one core; lanes spread it. A key always uses the same lane
   * so its batching holds.
   */
  private record Lane(
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
    this.wallClock = wallClock;
    // An I/O thread per connection; the reconnect delay is capped so recovery is quick.
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(CONNECTIONS)
            .computationThreadPoolSize(1)
            .nettyCustomizer(
                new NettyCustomizer() {
                  @Override
                  public void afterChannelInitialized(Channel channel) {
                    // A compare-and-swap is sent from the reply to its read, mostly while other
                    // replies are being read: one write call for all of them, not one each.
                    channel.pipeline().addFirst(new FlushConsolidationHandler(64, true));
                  }
                })
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

  /** Whether the connections are up now; false before the first connect and while Lettuce reconnects. */
  public boolean connected() {
    CompletableFuture<Connected> c = connection;
    return c.isDone() && !c.isCompletedExceptionally() && c.join().open();
  }

  /** Closes the connections and Lettuce's threads; blocks up to a few seconds, so not on an event loop. */
  @Override
  public void close() {
    closed = true;
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3_000);
  }

  private CompletableFuture<Connected> open() {
    List<CompletableFuture<Lane>> lanes = new ArrayList<>(CONNECTIONS);
    for (int i = 0; i < CONNECTIONS; i++) {
      lanes.add(
          client.connectAsync(CODEC, uri)
              .toCompletableFuture()
              .thenApply(redis -> new Lane(redis, buckets(redis), new ConcurrentHashMap<>())));
    }
    return CompletableFuture.allOf(lanes.toArray(new CompletableFuture<?>[0]))
        .handle(
            (done, error) -> {
              if (error != null) {
                // All or none: close the lanes that did connect, so a retry does not leak them.
                for (CompletableFuture<Lane> lane : lanes) {
                  if (!lane.isCompletedExceptionally()) {
                    lane.join().redis().closeAsync();
                  }
                }
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
              }
              return new Connected(lanes.stream().map(CompletableFuture::join).toList());
            });
  }

  private AsyncProxyManager<String> buckets(StatefulRedisConnection<String, byte[]> redis) {
    // No Bucket4j request timeout: Lettuce already times out every command, and the rate limiter
    // bounds the whole decision; a third timer per command only costs (RedisRateLimitLoad).
    return new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new CachedScriptRedisApi<>(redis.async()))
        .clientClock(wallClock)
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
      return withConnection(c -> c.lane(key).proxy(key, configuration).tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public CompletionStage<Void> refund(long tokens) {
      return withConnection(c -> c.lane(key).proxy(key, configuration).addTokens(tokens));
    }

    @Override
    public CompletionStage<Void> charge(long tokens) {
      return withConnection(c -> c.lane(key).proxy(key, configuration).consumeIgnoringRateLimits(tokens).thenApply(penalty -> null));
    }
  }
}
