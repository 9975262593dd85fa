package dev.switchboard.core.admission;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The seed's tiers on a manual clock, and helpers to fill and drain a queue of named requests. */
final class QueueFixture {
  static final Duration AGING_STEP = Duration.ofSeconds(1);
  static final Tier VIP = new Tier("vip", 0, 1.0, Duration.ofSeconds(30));
  static final Tier STANDARD = new Tier("standard", 5, 1.0, Duration.ofSeconds(20));
  static final Tier FREE = new Tier("free", 10, 1.0, Duration.ofSeconds(10));
  static final List<Tier> SEED_TIERS = List.of(VIP, STANDARD, FREE);

  final ManualClock clock = new ManualClock(5_000_000_000L);

  AdmissionQueue<String> queue(int maxQueued) {
    return queue(SEED_TIERS, maxQueued);
  }

  AdmissionQueue<String> queue(List<Tier> tiers, int maxQueued) {
    return new AdmissionQueue<>(tiers, new QueueSettings(maxQueued, AGING_STEP), clock);
  }

  /** Offers {@code request} at its tier's own priority, asserting it was queued without displacing. */
  static void enqueue(AdmissionQueue<String> queue, String request, Tier tier, String tenant) {
    Offer<String> offer = queue.offer(request, tier.name(), tenant, 0);
    if (!offer.isQueued() || offer.hasDisplaced()) {
      throw new AssertionError("expected " + request + " to be queued plainly, was " + offer);
    }
  }

  /** Polls until empty, or {@code limit} times. */
  static List<String> drain(AdmissionQueue<String> queue, int limit) {
    List<String> out = new ArrayList<>();
    for (String r = queue.poll(); r != null; r = out.size() < limit ? queue.poll() : null) {
      out.add(r);
    }
    return out;
  }

  static List<String> drain(AdmissionQueue<String> queue) {
    return drain(queue, Integer.MAX_VALUE);
  }
}
