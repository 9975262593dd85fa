package dev.switchboard.core.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link AdmissionQueue} beyond its tiers.
 *
 * @param maxQueued how many requests may wait in all tiers together (>= 1)
 * @param agingStep how long a request waits to gain one priority point (> 0, at most a day): a
 *     request of priority p ranks level with one of priority p − Δp that arrives Δp × agingStep
 *     after it
 */
public record QueueSettings(int maxQueued, Duration agingStep) {
  static final Duration MAX_AGING_STEP = Duration.ofDays(1);

  public QueueSettings {
    Objects.requireNonNull(agingStep, "agingStep");
    if (maxQueued < 1) {
      throw new IllegalArgumentException("max_queued: must be >= 1, was " + maxQueued);
    }
    // The bound keeps priority × step far from overflow (1000 × 1 day < 2^57 ns).
    if (agingStep.isNegative() || agingStep.isZero() || agingStep.compareTo(MAX_AGING_STEP) > 0) {
      throw new IllegalArgumentException(
          "aging_step: must be > 0 and at most a day, was " + agingStep);
    }
  }
}
