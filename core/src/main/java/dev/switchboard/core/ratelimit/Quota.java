package dev.switchboard.core.ratelimit;

/**
 * What a caller may use per minute: requests and tokens (prompt plus completion). 0 means no limit
 * on that dimension.
 *
 * @param requestsPerMinute requests per minute, 0 = unlimited
 * @param tokensPerMinute tokens per minute, 0 = unlimited
 */
public record Quota(long requestsPerMinute, long tokensPerMinute) {

  public static final Quota UNLIMITED = new Quota(0, 0);

  /** The highest limit a bucket can enforce: Bucket4j refills at most one token per nanosecond. */
  public static final long MAX_PER_MINUTE = 60_000_000_000L;

  public Quota {
    check("requests", requestsPerMinute);
    check("tokens", tokensPerMinute);
  }

  private static void check(String what, long perMinute) {
    if (perMinute < 0 || perMinute > MAX_PER_MINUTE) {
      throw new IllegalArgumentException(
          what + " per minute must be between 0 (unlimited) and " + MAX_PER_MINUTE + ", was " + perMinute);
    }
  }

  /**
   * One of {@code peers} equal shares, for gateways that cannot coordinate: rounded down so the
   * peers together stay within the limit, but at least 1, because 0 would mean unlimited.
   */
  public Quota share(int peers) {
    if (peers < 1) {
      throw new IllegalArgumentException("peers must be >= 1, was " + peers);
    }
    return new Quota(share(requestsPerMinute, peers), share(tokensPerMinute, peers));
  }

  private static long share(long limit, int peers) {
    return limit == 0 ? 0 : Math.max(1, limit / peers);
  }
}
