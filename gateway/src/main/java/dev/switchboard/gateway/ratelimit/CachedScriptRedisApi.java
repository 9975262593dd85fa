package dev.switchboard.gateway.ratelimit;

import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Redis commands Bucket4j's Lettuce proxy manager issues, with its compare-and-swap script sent
 * by digest ({@code EVALSHA}) instead of in full ({@code EVAL}) on every bucket operation. That
 * spares the client encoding the script and Redis hashing it each time (RedisRateLimitLoad).
 *
 * <p>Generic in the key type because Bucket4j hands keys over in an {@code Object[]}.
 *
 * <p>Redis forgets scripts when it restarts or is told {@code SCRIPT FLUSH}; a {@code NOSCRIPT}
 * answer means nothing ran, so the script is then sent in full once, which loads it again.
 */
final class CachedScriptRedisApi<K> implements RedisApi<K> {
  private final RedisAsyncCommands<K, byte[]> commands;
  private final Map<String, String> digests = new ConcurrentHashMap<>();

  CachedScriptRedisApi(RedisAsyncCommands<K, byte[]> commands) {
    this.commands = commands;
  }

  @Override
  public <V> RedisFuture<V> eval(String script, ScriptOutputType type, K[] keys, byte[][] args) {
    String digest = digests.computeIfAbsent(script, CachedScriptRedisApi::sha1);
    Result<V> result = new Result<>();
    commands.<V>evalsha(digest, type, keys, args)
        .whenComplete(
            (value, error) -> {
              if (error == null) {
                result.complete(value);
              } else if (unwrap(error) instanceof RedisNoScriptException) {
                commands.<V>eval(script, type, keys, args).whenComplete(result::settle);
              } else {
                result.completeExceptionally(error);
              }
            });
    return result;
  }

  @Override
  public RedisFuture<byte[]> get(K key) {
    return commands.get(key);
  }

  @Override
  public RedisFuture<?> delete(K key) {
    return commands.del(key);
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  static String sha1(String script) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /** A script's answer, whichever command gave it, in the shape Bucket4j asks for. */
  private static final class Result<V> extends CompletableFuture<V> implements RedisFuture<V> {

    void settle(V value, Throwable error) {
      if (error == null) {
        complete(value);
      } else {
        completeExceptionally(error);
      }
    }

    @Override
    public String getError() {
      if (!isCompletedExceptionally()) {
        return null;
      }
      try {
        join();
        return null;
      } catch (CompletionException | CancellationException e) {
        return unwrap(e).getMessage();
      }
    }

    @Override
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
      try {
        get(timeout, unit);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException | CancellationException e) {
        // Done, with an error: getError() tells which.
      }
      return true;
    }
  }
}
