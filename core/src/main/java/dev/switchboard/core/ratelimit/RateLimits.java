package dev.switchboard.core.ratelimit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who may use how much: a default {@link Quota} for every API key, optional overrides for some
 * keys, and a quota per service tier that all the keys of the tier share. A tier that is not listed
 * has no tier limit.
 *
 * @param perKey the quota of each key without an override
 * @param tiers the shared quota of each tier, by tier name
 * @param keys overrides of {@code perKey}, by key id (the gateway uses the key's SHA-256 in hex)
 */
public record RateLimits(Quota perKey, Map<String, Quota> tiers, Map<String, Quota> keys) {

  /** No limits at all. */
  public static final RateLimits NONE = new RateLimits(Quota.UNLIMITED, Map.of(), Map.of());

  public RateLimits {
    Objects.requireNonNull(perKey, "perKey");
    tiers = checked(tiers, "tier");
    keys = checked(keys, "key id");
  }

  public Quota forKey(String keyId) {
    return keys.getOrDefault(keyId, perKey);
  }

  public Quota forTier(String tier) {
    return tiers.getOrDefault(tier, Quota.UNLIMITED);
  }

  /** Every quota divided among {@code peers} gateways; see {@link Quota#share(int)}. */
  public RateLimits share(int peers) {
    Map<String, Quota> t = new LinkedHashMap<>();
    tiers.forEach((name, q) -> t.put(name, q.share(peers)));
    Map<String, Quota> k = new LinkedHashMap<>();
    keys.forEach((id, q) -> k.put(id, q.share(peers)));
    return new RateLimits(perKey.share(peers), t, k);
  }

  private static Map<String, Quota> checked(Map<String, Quota> map, String what) {
    Objects.requireNonNull(map, what);
    for (Map.Entry<String, Quota> e : map.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      Objects.requireNonNull(e.getValue(), what + " " + e.getKey());
    }
    // Copied in order so that toString and config round trips read like the file.
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
