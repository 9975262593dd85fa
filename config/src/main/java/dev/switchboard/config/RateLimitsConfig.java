package dev.switchboard.config;

import dev.switchboard.core.ratelimit.Quota;
import dev.switchboard.core.ratelimit.RateLimits;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The limits of a {@code ratelimit:} section, the same in a gateway config and a simulation
 * scenario: requests and tokens per minute for each key, per tier, and per named key.
 *
 * <pre>
 * ratelimit:
 *   requests_per_minute: 60        # each key's default; 0/absent = unlimited
 *   tokens_per_minute: 100000
 *   tiers: {vip: {requests_per_minute: 600, tokens_per_minute: 1000000}}
 *   keys: {SHA256-HEX: {requests_per_minute: 120}}   # gateway only
 * </pre>
 */
public final class RateLimitsConfig {
  public static final String RPM = "requests_per_minute";
  public static final String TPM = "tokens_per_minute";

  private RateLimitsConfig() {}

  /**
   * Reads the limits of {@code n}; the caller checks which fields the section may have.
   *
   * @param keysBySha256 whether {@code keys} is allowed (named by SHA-256 hex, as in the gateway)
   */
  public static RateLimits parseLimits(Node n, boolean keysBySha256) {
    Quota perKey = quota(n);
    Map<String, Quota> tiers = named(n, "tiers", (entry, name) -> name);
    Map<String, Quota> keys =
        keysBySha256 ? named(n, "keys", RateLimitsConfig::keyId) : Map.of();
    return new RateLimits(perKey, tiers, keys);
  }

  private static Quota quota(Node n) {
    return new Quota(limit(n, RPM), limit(n, TPM));
  }

  private static long limit(Node n, String field) {
    long v = n.integer(field, 0);
    if (v < 0) {
      throw n.error(field, "must be >= 0 (0 = unlimited), was " + v);
    }
    if (v > Quota.MAX_PER_MINUTE) {
      throw n.error(field, "must be at most " + Quota.MAX_PER_MINUTE + " (one per nanosecond), was " + v);
    }
    return v;
  }

  private static Map<String, Quota> named(Node parent, String field, BiFunction<Node, String, String> id) {
    Node section = parent.get(field);
    Map<String, Quota> out = new LinkedHashMap<>();
    if (section.isMissing()) {
      return out;
    }
    if (!section.json().isObject()) {
      throw section.error("must be a mapping of name to {" + RPM + ", " + TPM + "}");
    }
    for (Iterator<String> it = section.json().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Node entry = section.get(name);
      if (!entry.json().isObject()) {
        throw entry.error("must be a mapping with " + RPM + " and/or " + TPM);
      }
      entry.allowOnly(RPM, TPM);
      if (name.isBlank()) {
        throw entry.error("the name must not be empty");
      }
      if (out.put(id.apply(entry, name), quota(entry)) != null) {
        throw entry.error("listed twice");
      }
    }
    return out;
  }

  /** Keys are named by their SHA-256, like {@code keys[].sha256}: never by the key itself. */
  private static String keyId(Node entry, String name) {
    String hex = name.trim().toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw entry.error("name a key by its SHA-256 in hex (64 digits), was '" + name + "'");
    }
    return hex;
  }
}
