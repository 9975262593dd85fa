package dev.switchboard.loadgen;

import dev.switchboard.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --key} options: {@code TIER=KEY} picks the key for a tier's requests, a bare {@code
 * KEY} is the key for every tier without its own. No keys at all means no Authorization header.
 */
public final class ApiKeys {
  private static final String OPTION = "--key";

  private final Map<String, String> byTier;
  private final List<String> tierOrder;
  private final String fallback;

  private ApiKeys(Map<String, String> byTier, String fallback) {
    this.byTier = Map.copyOf(byTier);
    this.tierOrder = List.copyOf(byTier.keySet());
    this.fallback = fallback;
  }

  /** Reads {@code TIER=KEY} or {@code KEY} values (split at the first {@code =}). */
  public static ApiKeys parse(List<String> values) {
    Map<String, String> byTier = new LinkedHashMap<>();
    String fallback = null;
    for (String v : values == null ? List.<String>of() : values) {
      int eq = v.indexOf('=');
      if (eq < 0) {
        if (v.isBlank()) {
          throw new ConfigException(OPTION, "must not be empty");
        }
        if (fallback != null) {
          throw new ConfigException(
              OPTION, "more than one key without a tier; write TIER=KEY for each tier");
        }
        fallback = v.trim();
        continue;
      }
      String tier = v.substring(0, eq).trim();
      String key = v.substring(eq + 1).trim();
      if (tier.isEmpty()) {
        throw new ConfigException(OPTION, "no tier before '=' in '" + v + "'");
      }
      if (key.isEmpty()) {
        throw new ConfigException(OPTION, "empty key for tier '" + tier + "'");
      }
      if (byTier.putIfAbsent(tier, key) != null) {
        throw new ConfigException(OPTION, "tier '" + tier + "' given twice");
      }
    }
    return new ApiKeys(byTier, fallback);
  }

  /** The tiers given a key of their own, in the order given. */
  public List<String> tiers() {
    return tierOrder;
  }

  /** The key for a tier's requests; empty when no key applies (no Authorization header). */
  public Optional<String> keyFor(String tier) {
    String k = byTier.get(tier);
    return Optional.ofNullable(k != null ? k : fallback);
  }

  /**
   * Fails when keys were given but some tier of the workload has none, or a key names a tier the
   * workload does not have: either would send traffic under the wrong identity.
   */
  public void checkCovers(List<String> workloadTiers) {
    if (byTier.isEmpty() && fallback == null) {
      return;
    }
    for (String t : byTier.keySet()) {
      if (!workloadTiers.contains(t)) {
        throw new ConfigException(
            OPTION,
            "tier '" + t + "' is not in the workload's tiers (" + String.join(", ", workloadTiers)
                + ")");
      }
    }
    List<String> missing = new ArrayList<>();
    for (String t : workloadTiers) {
      if (keyFor(t).isEmpty()) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(
          OPTION,
          "no key for tier '" + missing.get(0) + "' (give --key " + missing.get(0)
              + "=KEY, or a bare --key KEY for every tier)");
    }
  }
}
