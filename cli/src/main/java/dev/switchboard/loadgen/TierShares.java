package dev.switchboard.loadgen;

import dev.switchboard.config.ConfigException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code --mix} option: {@code vip=0.1,free=0.9}, tiers with their shares of the traffic. */
public final class TierShares {
  private static final String OPTION = "--mix";

  private final Map<String, Double> shares;

  private TierShares(Map<String, Double> shares) {
    this.shares = Collections.unmodifiableMap(new LinkedHashMap<>(shares));
  }

  public static TierShares parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(OPTION, "must be like vip=0.1,free=0.9");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (String item : text.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(
            OPTION, "'" + item.trim() + "' must be TIER=SHARE, like vip=0.1");
      }
      String name = item.substring(0, eq).trim();
      String value = item.substring(eq + 1).trim();
      if (name.isEmpty()) {
        throw new ConfigException(OPTION, "no tier name before '=' in '" + item.trim() + "'");
      }
      double share;
      try {
        share = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            OPTION, "share for '" + name + "' must be a number, was '" + value + "'");
      }
      if (!(share > 0) || Double.isInfinite(share)) {
        throw new ConfigException(
            OPTION, "share for '" + name + "' must be > 0, was " + value);
      }
      if (out.putIfAbsent(name, share) != null) {
        throw new ConfigException(OPTION, "tier '" + name + "' given twice");
      }
    }
    return new TierShares(out);
  }

  /** Tier names to shares (not normalised; the workload does that), in the order given. */
  public Map<String, Double> shares() {
    return shares;
  }
}
