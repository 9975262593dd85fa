package dev.switchboard.core.health;

import dev.switchboard.core.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passive outlier detection for one pool, after Envoy's consecutive-5xx detector: a replica whose
 * last {@link OutlierPolicy#consecutiveFailures()} requests all failed is ejected for a back-off
 * that doubles with each ejection in a row, and re-admitted when it has elapsed.
 *
 * <p>Rules, exactly:
 *
 * <ul>
 *   <li>A success resets the replica's consecutive-failure count.
 *   <li>A failure that brings the count to the threshold or beyond ejects the replica, unless it is
 *       already ejected or one more ejection would put more than {@code maxEjectedPercent} of the
 *       pool out. A capped replica keeps its count, so its next failure tries again: it goes out as
 *       soon as another comes back. Below 100% the cap always leaves at least one replica in.
 *   <li>The k-th ejection in a row lasts {@code baseEjection × 2^(k−1)}, capped at {@code
 *       maxEjection}. Ejecting and re-admitting both reset the failure count, so a re-admitted
 *       replica needs a full run of fresh failures to go out again.
 *   <li>The run of ejections ends (k goes back to 0) at the first success recorded after
 *       re-admission. Successes recorded while ejected come from requests sent before the
 *       ejection and do not end it.
 * </ul>
 *
 * <p>The pool is the set of replicas {@link #track tracked}: it grows and shrinks with the pool,
 * and the ejection cap counts it as it is at each ejection. Outcomes of a replica not tracked (one
 * that left while its requests ran) change nothing.
 *
 * <p>Thread-safe: successes and below-threshold failures are lock-free (the request path);
 * ejection, re-admission and membership take a short lock on the detector. Time comes only from
 * the injected clock.
 *
 * @param <K> how replicas are known, by {@code equals} (the core {@code Replica}, by identity)
 */
public final class OutlierDetector<K> {
  private final OutlierPolicy policy;
  private final Clock clock;
  /** Tracked replicas in the order they were tracked; replaced whole on every change. */
  private volatile Map<K, Slot> slots = Map.of();
  private int ejectedCount; // guarded by this

  public OutlierDetector(OutlierPolicy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@code replica} joined the pool; tracking it twice changes nothing. */
  public synchronized void track(K replica) {
    Objects.requireNonNull(replica, "replica");
    if (!slots.containsKey(replica)) {
      Map<K, Slot> next = new LinkedHashMap<>(slots);
      next.put(replica, new Slot());
      slots = next;
    }
  }

  /** {@code replica} left the pool: its record goes, and an ejection of it no longer counts. */
  public synchronized void forget(K replica) {
    Slot s = slots.get(replica);
    if (s != null) {
      Map<K, Slot> next = new LinkedHashMap<>(slots);
      next.remove(replica);
      slots = next;
      if (s.ejected) {
        ejectedCount--;
      }
    }
  }

  public OutlierPolicy policy() {
    return policy;
  }

  /** Replicas tracked. */
  public int size() {
    return slots.size();
  }

  /** A request to {@code replica} succeeded. */
  public void recordSuccess(K replica) {
    Slot s = slots.get(replica);
    if (s == null) {
      return;
    }
    // Read before writing: a healthy replica's counter stays untouched, its cache line shared.
    if (s.failures.get() != 0) {
      s.failures.set(0);
    }
    if (s.probation) {
      endRun(s);
    }
  }

  /** A request to {@code replica} failed; says whether this failure ejected it. */
  public EjectionDecision recordFailure(K replica) {
    Slot s = slots.get(replica);
    if (s == null) {
      return EjectionDecision.NOT_TRACKED;
    }
    if (s.ejected) {
      return EjectionDecision.ALREADY_EJECTED;
    }
    if (s.failures.incrementAndGet() < policy.consecutiveFailures()) {
      return EjectionDecision.COUNTED;
    }
    return tryEject(replica, s);
  }

  /**
   * Re-admits every replica whose ejection has ended by the clock's now.
   *
   * @return the re-admitted replicas, in the order they were tracked
   */
  public synchronized List<K> readmitDue() {
    if (ejectedCount == 0) {
      return List.of();
    }
    long now = clock.nanoTime();
    List<K> due = new ArrayList<>();
    for (Map.Entry<K, Slot> e : slots.entrySet()) {
      Slot s = e.getValue();
      if (s.ejected && now - s.ejectedUntil >= 0) {
        s.ejected = false;
        s.probation = true;
        s.failures.set(0);
        ejectedCount--;
        due.add(e.getKey());
      }
    }
    return List.copyOf(due);
  }

  /** Whether {@code replica} is out now; false for one not tracked. */
  public boolean isEjected(K replica) {
    Slot s = slots.get(replica);
    return s != null && s.ejected;
  }

  /** How many replicas are out now. */
  public synchronized int ejectedCount() {
    return ejectedCount;
  }

  /** When the earliest current ejection ends, for a runtime that schedules re-admission. */
  public synchronized OptionalLong nextReadmissionNanos() {
    OptionalLong next = OptionalLong.empty();
    for (Slot s : slots.values()) {
      if (s.ejected && (next.isEmpty() || s.ejectedUntil - next.getAsLong() < 0)) {
        next = OptionalLong.of(s.ejectedUntil);
      }
    }
    return next;
  }

  private synchronized EjectionDecision tryEject(K replica, Slot s) {
    // Re-check under the lock: the replica may have left, another thread may have ejected it, or a
    // success reset the count.
    if (slots.get(replica) != s) {
      return EjectionDecision.NOT_TRACKED;
    }
    if (s.ejected) {
      return EjectionDecision.ALREADY_EJECTED;
    }
    if (s.failures.get() < policy.consecutiveFailures()) {
      return EjectionDecision.COUNTED;
    }
    if (!policy.allowsOneMore(ejectedCount, slots.size())) {
      return EjectionDecision.CAPPED;
    }
    if (s.ejectionsInARow < Integer.MAX_VALUE) {
      s.ejectionsInARow++;
    }
    long duration = policy.ejectionNanos(s.ejectionsInARow);
    s.ejectedUntil = clock.nanoTime() + duration;
    s.ejected = true;
    s.probation = false;
    s.failures.set(0);
    ejectedCount++;
    return EjectionDecision.ejected(s.ejectedUntil, duration);
  }

  private synchronized void endRun(Slot s) {
    if (s.probation && !s.ejected) {
      s.probation = false;
      s.ejectionsInARow = 0;
    }
  }

  /** One replica's record. The flags are volatile for the lock-free fast paths. */
  private static final class Slot {
    final AtomicInteger failures = new AtomicInteger();
    volatile boolean ejected; // written under the detector's lock
    volatile boolean probation; // re-admitted, no success yet; written under the lock
    long ejectedUntil; // guarded by the detector's lock
    int ejectionsInARow; // guarded by the detector's lock
  }
}
