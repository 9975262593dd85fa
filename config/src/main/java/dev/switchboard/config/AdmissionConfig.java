package dev.switchboard.config;

import dev.switchboard.core.admission.AdmissionQueue;
import dev.switchboard.core.admission.ConcurrencyLimit;
import dev.switchboard.core.admission.QueueSettings;
import dev.switchboard.core.admission.Tier;
import dev.switchboard.core.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code admission:} section, the same in a gateway config and a simulation scenario: tiers,
 * the queue's bounds, and how many requests a replica may hold before the gateway queues.
 *
 * <pre>
 * admission:
 *   tiers:
 *     - {name: vip, priority: 0, weight: 1, queue_timeout_s: 30}
 *     - {name: standard, priority: 5, queue_timeout_s: 20}
 *     - {name: free, priority: 10, queue_timeout_s: 10}
 *   max_queued: 1000        # total waiting requests; beyond it the lowest-priority newest is shed
 *   aging_step_s: 1         # one priority point is worth this much waiting
 *   max_in_flight: 64       # per replica, before requests wait at the gateway
 *   hard_cap: 0             # > max_in_flight: also fill up to this while the engine reports no queue
 *   forward_priority: false # gateway only: add vLLM's "priority" field to bodies that lack one
 * </pre>
 */
public record AdmissionConfig(
    List<Tier> tiers, QueueSettings queue, ConcurrencyLimit limit, boolean forwardPriority) {

  /** The seed's tiers: vip 0, standard 5, free 10. */
  public static List<Tier> defaultTiers() {
    return List.of(
        new Tier("vip", 0, 1.0, Duration.ofSeconds(30)),
        new Tier("standard", 5, 1.0, Duration.ofSeconds(20)),
        new Tier("free", 10, 1.0, Duration.ofSeconds(10)));
  }

  /** Parses the section; null when it is absent (no admission control). */
  public static AdmissionConfig parseOptional(Node node) {
    return node.isMissing() ? null : parse(node);
  }

  public static AdmissionConfig parse(Node n) {
    n.allowOnly("tiers", "max_queued", "aging_step_s", "max_in_flight", "hard_cap", "forward_priority");
    List<Tier> tiers = new ArrayList<>();
    for (Node t : n.list("tiers")) {
      t.allowOnly("name", "priority", "weight", "queue_timeout_s");
      long priority = t.integer("priority");
      if (priority < 0 || priority > Tier.MAX_PRIORITY) {
        throw t.error("priority", "must be in [0, " + Tier.MAX_PRIORITY + "], was " + priority);
      }
      tiers.add(
          new Tier(
              t.string("name"),
              (int) priority,
              t.positive("weight", 1.0),
              Duration.ofNanos(Math.round(t.positive("queue_timeout_s", 30) * 1e9))));
    }
    if (tiers.isEmpty()) {
      tiers.addAll(defaultTiers());
    }
    long maxQueued = n.positiveInteger("max_queued", 1000);
    if (maxQueued > 10_000_000) {
      throw n.error("max_queued", "must be <= 10000000, was " + maxQueued);
    }
    Duration aging = Duration.ofNanos(Math.round(n.positive("aging_step_s", 1.0) * 1e9));
    long maxInFlight = n.positiveInteger("max_in_flight", 64);
    long hardCap = n.integer("hard_cap", 0);
    if (hardCap != 0 && hardCap < maxInFlight) {
      throw n.error("hard_cap", "must be 0 (off) or >= max_in_flight (" + maxInFlight + "), was " + hardCap);
    }
    if (maxInFlight > 1_000_000 || hardCap > 1_000_000) {
      throw n.error("max_in_flight", "must be <= 1000000");
    }
    ConcurrencyLimit limit =
        hardCap == 0
            ? ConcurrencyLimit.fixed((int) maxInFlight)
            : ConcurrencyLimit.inferred((int) maxInFlight, (int) hardCap);
    AdmissionConfig config;
    try {
      config =
          new AdmissionConfig(
              List.copyOf(tiers), new QueueSettings((int) maxQueued, aging), limit, n.bool("forward_priority", false));
      // Builds one queue to run the tier checks, so that errors surface at load time with their path.
      config.newQueue(Clock.system());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(n.path().isEmpty() ? "admission" : n.path(), e.getMessage());
    }
    return config;
  }

  public <E> AdmissionQueue<E> newQueue(Clock clock) {
    return new AdmissionQueue<>(tiers, queue, clock);
  }

  /** The priority number of {@code tier}, or -1 when it is not configured. */
  public int priorityOf(String tier) {
    for (Tier t : tiers) {
      if (t.name().equals(tier)) {
        return t.priority();
      }
    }
    return -1;
  }

  public List<String> tierNames() {
    return tiers.stream().map(Tier::name).toList();
  }
}
