package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Who sends the requests: tiers with shares of the traffic, each with some tenants. In a scenario,
 * {@code tiers: [{name: vip, share: 0.1, tenants: 3}, {name: free, share: 0.9, tenants: 20}]};
 * shares are normalised, tenants default to 1. Without it, one tier {@code standard} with one
 * tenant.
 */
public final class TierMix {
  private static final TierMix STANDARD = new TierMix(List.of(new Tier("standard", 1, 1)));

  private final List<Tier> tiers;

  /** Cumulative shares, the last exactly 1. */
  private final double[] upTo;

  private TierMix(List<Tier> tiers) {
    this.tiers = List.copyOf(tiers);
    this.upTo = new double[tiers.size()];
    double sum = 0;
    for (int i = 0; i < upTo.length; i++) {
      sum += tiers.get(i).share();
      upTo[i] = sum;
    }
    upTo[upTo.length - 1] = 1; // so rounding in the sum can never leave a draw unassigned
  }

  /** One tier {@code standard}, one tenant {@code standard-0}. */
  public static TierMix standard() {
    return STANDARD;
  }

  /** Reads the {@code tiers} list; {@code tiers} may be missing, giving {@link #standard()}. */
  public static TierMix parse(Node tiers) {
    if (tiers.isMissing()) {
      return STANDARD;
    }
    if (!tiers.json().isArray()) {
      throw tiers.error("must be a list like [{name: vip, share: 0.1, tenants: 3}, ...]");
    }
    if (tiers.json().isEmpty()) {
      throw tiers.error("must have at least one tier (or leave it out for one 'standard' tier)");
    }
    List<String> names = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    List<Integer> tenants = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    double total = 0;
    for (int i = 0; i < tiers.json().size(); i++) {
      Node tier = new Node(tiers.json().get(i), tiers.path() + "[" + i + "]");
      if (!tier.json().isObject()) {
        throw tier.error("must be a mapping like {name: vip, share: 0.1, tenants: 3}");
      }
      tier.allowOnly("name", "share", "tenants");
      String name = tier.string("name").trim();
      if (name.isEmpty()) {
        throw tier.error("name", "must not be empty");
      }
      if (!seen.add(name)) {
        throw tier.error("name", "duplicate tier '" + name + "'");
      }
      double share = tier.positive("share");
      long count = tier.positiveInteger("tenants", 1);
      if (count > 1_000_000) {
        throw tier.error("tenants", "must be at most 1000000, was " + count);
      }
      names.add(name);
      shares.add(share);
      tenants.add((int) count);
      total += share;
    }
    List<Tier> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(new Tier(names.get(i), shares.get(i) / total, tenants.get(i)));
    }
    return new TierMix(out);
  }

  /** The tiers, in the order the scenario gives them. */
  public List<Tier> tiers() {
    return tiers;
  }

  /** The tier names, in the order the scenario gives them. */
  public List<String> tierNames() {
    List<String> out = new ArrayList<>(tiers.size());
    for (Tier t : tiers) {
      out.add(t.name());
    }
    return List.copyOf(out);
  }

  /** A tier, chosen with probability equal to its share. */
  public Tier pickTier(SplittableRandom rnd) {
    if (upTo.length == 1) {
      return tiers.get(0);
    }
    double u = rnd.nextDouble();
    for (int i = 0; i < upTo.length; i++) {
      if (u < upTo[i]) {
        return tiers.get(i);
      }
    }
    return tiers.get(upTo.length - 1);
  }

  @Override
  public String toString() {
    return tiers.toString();
  }
}
