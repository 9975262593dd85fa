package dev.switchboard.config;

import dev.switchboard.core.health.OutlierPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared part of the {@code health:} section, the same in a gateway config and a simulation
 * scenario: how often replicas are probed, and when outlier detection ejects one.
 *
 * <pre>
 * health:
 *   probe_interval_ms: 1000      # GET /health on every replica
 *   consecutive_failures: 5      # failures in a row that eject a replica
 *   base_ejection_ms: 5000       # the first ejection; doubles with each ejection in a row
 *   max_ejection_ms: 300000      # the longest an ejection lasts
 *   max_ejected_percent: 50      # never eject more of a pool than this
 * </pre>
 *
 * @param probeInterval how often each replica's {@code /health} is probed
 * @param outlier when a replica is ejected, and for how long
 */
public record HealthConfig(Duration probeInterval, OutlierPolicy outlier) {
  /** The fields this record reads; a runtime may allow more of its own in the section. */
  public static final List<String> FIELDS =
      List.of(
          "probe_interval_ms", "consecutive_failures", "base_ejection_ms", "max_ejection_ms",
          "max_ejected_percent");

  private static final long MAX_CONSECUTIVE_FAILURES = 1000;

  /**
   * Reads the section; an absent one gives the defaults.
   *
   * @param ownFields fields the caller reads from the same section itself (the gateway's probe
   *     timeout and scrape interval), allowed here so that any other field is refused
   */
  public static HealthConfig parse(Node n, String... ownFields) {
    List<String> allowed = new ArrayList<>(FIELDS);
    allowed.addAll(List.of(ownFields));
    n.allowOnly(allowed.toArray(String[]::new));
    Duration baseEjection = millis(n, "base_ejection_ms", 5_000);
    Duration maxEjection = millis(n, "max_ejection_ms", 300_000);
    if (maxEjection.compareTo(baseEjection) < 0) {
      throw n.error("max_ejection_ms", "must be >= base_ejection_ms");
    }
    double maxEjected = n.nonNegative("max_ejected_percent", 50);
    if (maxEjected > 100) {
      throw n.error("max_ejected_percent", "must be <= 100, was " + maxEjected);
    }
    long failures = n.positiveInteger("consecutive_failures", 5);
    if (failures > MAX_CONSECUTIVE_FAILURES) {
      throw n.error("consecutive_failures", "must be <= " + MAX_CONSECUTIVE_FAILURES + ", was " + failures);
    }
    OutlierPolicy outlier;
    try {
      outlier = new OutlierPolicy((int) failures, baseEjection, maxEjection, maxEjected);
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
    return new HealthConfig(millis(n, "probe_interval_ms", 1000), outlier);
  }

  /** A positive number of milliseconds, as a duration. */
  static Duration millis(Node n, String field, double fallback) {
    return Duration.ofNanos(Math.round(n.positive(field, fallback) * 1e6));
  }
}
