package dev.switchboard.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * How eagerly {@link OutlierDetector} ejects, in Envoy's terms: {@code consecutiveFailures} in a
 * row eject a replica for {@code baseEjection × 2^(k−1)} where k counts its ejections in a row,
 * capped at {@code maxEjection}; never more than {@code maxEjectedPercent} of a pool is out.
 *
 * @param consecutiveFailures failures in a row that eject a replica (>= 1)
 * @param baseEjection the first ejection's length (> 0)
 * @param maxEjection the longest an ejection may last (>= baseEjection)
 * @param maxEjectedPercent share of the pool that may be ejected at once, 0..100
 */
public record OutlierPolicy(
    int consecutiveFailures, Duration baseEjection, Duration maxEjection, double maxEjectedPercent) {

  public OutlierPolicy {
    Objects.requireNonNull(baseEjection, "baseEjection");
    Objects.requireNonNull(maxEjection, "maxEjection");
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException(
          "consecutiveFailures must be >= 1, was " + consecutiveFailures);
    }
    if (baseEjection.isNegative() || baseEjection.isZero()) {
      throw new IllegalArgumentException("baseEjection must be > 0, was " + baseEjection);
    }
    if (maxEjection.compareTo(baseEjection) < 0) {
      throw new IllegalArgumentException(
          "maxEjection must be >= baseEjection, was " + maxEjection + " < " + baseEjection);
    }
    if (!(maxEjectedPercent >= 0.0 && maxEjectedPercent <= 100.0)) {
      throw new IllegalArgumentException(
          "maxEjectedPercent must be in [0, 100], was " + maxEjectedPercent);
    }
  }

  /**
   * Length of the {@code ejectionsInARow}-th ejection in a row (1 for the first): the base doubled
   * for each earlier one, capped at the maximum.
   */
  public long ejectionNanos(int ejectionsInARow) {
    if (ejectionsInARow < 1) {
      throw new IllegalArgumentException("ejectionsInARow must be >= 1, was " + ejectionsInARow);
    }
    long base = baseEjection.toNanos();
    long max = maxEjection.toNanos();
    int doublings = ejectionsInARow - 1;
    // Compare before shifting, so a long run of ejections cannot overflow into a short one.
    if (doublings >= Long.SIZE - 1 || base > (max >> doublings)) {
      return max;
    }
    return base << doublings;
  }

  /** Whether a pool of {@code poolSize} with {@code ejected} out may lose one more replica. */
  boolean allowsOneMore(int ejected, int poolSize) {
    return (ejected + 1) * 100.0 <= maxEjectedPercent * poolSize;
  }
}
