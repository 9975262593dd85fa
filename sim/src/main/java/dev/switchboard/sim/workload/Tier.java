package dev.switchboard.sim.workload;

import java.util.List;
import java.util.SplittableRandom;

/** A tier of tenants and its share of the traffic; tenant names are built once, not per request. */
public final class Tier {
  private final String name;
  private final double share;
  private final String[] tenants;

  Tier(String name, double share, int tenantCount) {
    this.name = name;
    this.share = share;
    this.tenants = new String[tenantCount];
    for (int k = 0; k < tenantCount; k++) {
      tenants[k] = name + "-" + k;
    }
  }

  public String name() {
    return name;
  }

  /** Fraction of all requests, after normalising the shares to sum to 1. */
  public double share() {
    return share;
  }

  /** {@code <tier>-0}, {@code <tier>-1}, … */
  public List<String> tenants() {
    return List.of(tenants);
  }

  /** One of this tier's tenants, uniformly. */
  public String pickTenant(SplittableRandom rnd) {
    return tenants.length == 1 ? tenants[0] : tenants[rnd.nextInt(tenants.length)];
  }

  @Override
  public String toString() {
    return name + "(share " + share + ", " + tenants.length + " tenants)";
  }
}
