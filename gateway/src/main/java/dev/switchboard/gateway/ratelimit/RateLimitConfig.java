package dev.switchboard.gateway.ratelimit;

import dev.switchboard.config.Node;
import dev.switchboard.config.RateLimitsConfig;
import dev.switchboard.core.ratelimit.RateLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ratelimit:} section of the gateway config. Every limit is per minute, and 0 or absent
 * means unlimited:
 *
 * <pre>
 * ratelimit:
 *   requests_per_minute: 60          # each key's default
 *   tokens_per_minute: 100000
 *   tiers:                           # shared by all the keys of the tier
 *     vip: {requests_per_minute: 600, tokens_per_minute: 1000000}
 *   keys:                            # per-key overrides, by the key's SHA-256 (hex)
 *     9f86d08...: {requests_per_minute: 120}
 *   redis:                           # absent: limits are this gateway's alone
 *     uri: redis://127.0.0.1:6379
 *     peers: 3                       # gateways sharing it; fail-open admits 1/peers each
 *     on_outage: fail-open           # or fail-closed (503)
 *     timeout_ms: 100                # per decision; past it the request does not wait
 * </pre>
 *
 * @param limits the limits, shared among the gateways when {@code redis} is given
 * @param redis where the gateways share their buckets; empty for limits on this gateway alone
 */
public record RateLimitConfig(RateLimits limits, Optional<Redis> redis) {

  /** No section: no limits. */
  public static final RateLimitConfig NONE = new RateLimitConfig(RateLimits.NONE, Optional.empty());

  static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

  /**
   * @param uri {@code redis://host:port} or {@code rediss://...}
   * @param peers how many gateways share the store
   * @param onOutage what to do while it is unreachable
   * @param timeout how long a decision may wait for it
   */
  public record Redis(String uri, int peers, OnOutage onOutage, Duration timeout) {
    public Redis {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(onOutage, "onOutage");
      Objects.requireNonNull(timeout, "timeout");
      if (peers < 1) {
        throw new IllegalArgumentException("peers must be >= 1, was " + peers);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
      }
    }
  }

  public RateLimitConfig {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(redis, "redis");
  }

  /** Parses the section; a missing one means no limits. */
  public static RateLimitConfig parse(Node n) {
    if (n.isMissing()) {
      return NONE;
    }
    n.allowOnly(RateLimitsConfig.RPM, RateLimitsConfig.TPM, "tiers", "keys", "redis");
    RateLimits limits = RateLimitsConfig.parseLimits(n, true);
    Optional<Redis> redis = n.has("redis") ? Optional.of(redis(n.get("redis"))) : Optional.empty();
    return new RateLimitConfig(limits, redis);
  }

  private static Redis redis(Node r) {
    r.allowOnly("uri", "peers", "on_outage", "timeout_ms");
    String uri = r.string("uri", "redis://127.0.0.1:6379");
    checkUri(r, uri);
    long peers = r.positiveInteger("peers", 1);
    if (peers > 1000) {
      throw r.error("peers", "must be <= 1000, was " + peers);
    }
    String outage = r.string("on_outage", OnOutage.FAIL_OPEN.configName());
    OnOutage onOutage = null;
    for (OnOutage o : OnOutage.values()) {
      if (o.configName().equals(outage)) {
        onOutage = o;
      }
    }
    if (onOutage == null) {
      throw r.error("on_outage", "must be fail-open or fail-closed, was '" + outage + "'");
    }
    Duration timeout = Duration.ofNanos(Math.round(r.positive("timeout_ms", 100) * 1e6));
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw r.error("timeout_ms", "must be <= " + MAX_TIMEOUT.toMillis() + ", was " + timeout.toMillis());
    }
    return new Redis(uri, (int) peers, onOutage, timeout);
  }

  private static void checkUri(Node r, String uri) {
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      throw r.error("uri", "not a URI: " + e.getMessage());
    }
    if (!("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme())) || u.getHost() == null) {
      throw r.error("uri", "must look like redis://HOST:PORT or rediss://HOST:PORT, was '" + uri + "'");
    }
  }
}
