package dev.switchboard.core.ratelimit;

/** Which limit refused a request. */
public enum LimitedBy {
  /** Nothing: the request was admitted, or the limit store could not be asked. */
  NONE,
  KEY_REQUESTS,
  KEY_TOKENS,
  TIER_REQUESTS,
  TIER_TOKENS;

  /** A tokens-per-minute limit rather than a requests-per-minute one. */
  public boolean tokens() {
    return this == KEY_TOKENS || this == TIER_TOKENS;
  }

  /** A limit shared by every key of the tier rather than the key's own. */
  public boolean tier() {
    return this == TIER_REQUESTS || this == TIER_TOKENS;
  }
}
