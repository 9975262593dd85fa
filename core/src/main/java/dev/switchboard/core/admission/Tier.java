package dev.switchboard.core.admission;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service tier of the {@link AdmissionQueue}, as configured: e.g. {@code vip} priority 0,
 * {@code standard} 5, {@code free} 10.
 *
 * <p>Ranges are checked by {@link AdmissionQueue} over the whole list, so that a message names the
 * position of the bad tier in the config ({@code tiers[1].priority: ...}).
 *
 * @param name the tier name API keys carry
 * @param priority lower is more important, 0..{@value #MAX_PRIORITY}; one point is worth one aging
 *     step of waiting
 * @param weight this tier's share of dispatches against other tiers waiting at the same priority
 *     (> 0); see {@link AdmissionQueue}
 * @param queueTimeout the longest a request of this tier may wait (> 0, at most a day)
 */
public record Tier(String name, int priority, double weight, Duration queueTimeout) {
  /** The least important priority; requests asking for a larger number get this one. */
  public static final int MAX_PRIORITY = 1000;

  static final Duration MAX_QUEUE_TIMEOUT = Duration.ofDays(1);

  public Tier {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(queueTimeout, "queueTimeout");
  }

  /** Checks every tier and the list as a whole; the copy is in configured order. */
  static Tier[] validate(List<Tier> tiers) {
    Objects.requireNonNull(tiers, "tiers");
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("tiers: at least one tier is required");
    }
    Map<String, Integer> seen = new HashMap<>();
    Tier[] out = new Tier[tiers.size()];
    for (int i = 0; i < out.length; i++) {
      Tier t = tiers.get(i);
      String at = "tiers[" + i + "]";
      if (t == null) {
        throw new IllegalArgumentException(at + ": must not be null");
      }
      if (t.name.isBlank()) {
        throw new IllegalArgumentException(at + ".name: must not be blank");
      }
      Integer earlier = seen.putIfAbsent(t.name, i);
      if (earlier != null) {
        throw new IllegalArgumentException(
            at + ".name: duplicate of tiers[" + earlier + "] ('" + t.name + "')");
      }
      if (t.priority < 0 || t.priority > MAX_PRIORITY) {
        throw new IllegalArgumentException(
            at + ".priority: must be in [0, " + MAX_PRIORITY + "], was " + t.priority);
      }
      if (!(t.weight > 0.0) || Double.isInfinite(t.weight)) {
        throw new IllegalArgumentException(
            at + ".weight: must be a positive number, was " + t.weight);
      }
      if (t.queueTimeout.isNegative()
          || t.queueTimeout.isZero()
          || t.queueTimeout.compareTo(MAX_QUEUE_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            at + ".queue_timeout: must be > 0 and at most a day, was " + t.queueTimeout);
      }
      out[i] = t;
    }
    return out;
  }
}
