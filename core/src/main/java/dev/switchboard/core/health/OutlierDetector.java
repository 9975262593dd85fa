package dev.switchboard.core.health;

import dev.switchboard.core.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Replicas are numbered 0..size−1. Thread-safe: successes and below-threshold failures are
 * lock-free (the request path); ejection and re-admission take a short lock on the detector.
 * Time comes only from the injected clock.
 */
public final class OutlierDetector {
  private final OutlierPolicy policy;
  private final Clock clock;
  private final Slot[] slots;
  private int ejectedCount; // guarded by this

  public OutlierDetector(int poolSize, OutlierPolicy policy, Clock clock) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
    }
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.slots = new Slot[poolSize];
    for (int i = 0; i < poolSize; i++) {
      slots[i] = new Slot();
    }
  }

  public OutlierPolicy policy() {
    return policy;
  }

  public int size() {
    return slots.length;
  }

  /** A request to {@code replica} succeeded. */
  public void recordSuccess(int replica) {
    Slot s = slot(replica);
    // Read before writing: a healthy replica's counter stays untouched, its cache line shared.
    if (s.failures.get() != 0) {
      s.failures.set(0);
    }
    if (s.probation) {
      endRun(s);
    }
  }

  /** A request to {@code replica} failed; says whether this failure ejected it. */
  public EjectionDecision recordFailure(int replica) {
    Slot s = slot(replica);
    if (s.ejected) {
      return EjectionDecision.ALREADY_EJECTED;
    }
    if (s.failures.incrementAndGet() < policy.consecutiveFailures()) {
      return EjectionDecision.COUNTED;
    }
    return tryEject(s);
  }

  /**
   * Re-admits every replica whose ejection has ended by the clock's now.
   *
   * @return the re-admitted replicas, in ascending order
   */
  public synchronized List<Integer> readmitDue() {
    if (ejectedCount == 0) {
      return List.of();
    }
    long now = clock.nanoTime();
    List<Integer> due = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      Slot s = slots[i];
      if (s.ejected && now - s.ejectedUntil >= 0) {
        s.ejected = false;
        s.probation = true;
        s.failures.set(0);
        ejectedCount--;
        due.add(i);
      }
    }
    return List.copyOf(due);
  }

  public boolean isEjected(int replica) {
    return slot(replica).ejected;
  }

  /** How many replicas are out now. */
  public synchronized int ejectedCount() {
    return ejectedCount;
  }

  /** When the earliest current ejection ends, for a runtime that schedules re-admission. */
  public synchronized OptionalLong nextReadmissionNanos() {
    OptionalLong next = OptionalLong.empty();
    for (Slot s : slots) {
      if (s.ejected && (next.isEmpty() || s.ejectedUntil - next.getAsLong() < 0)) {
        next = OptionalLong.of(s.ejectedUntil);
      }
    }
    return next;
  }

  private synchronized EjectionDecision tryEject(Slot s) {
    // Re-check under the lock: another thread may have ejected it, or a success reset the count.
    if (s.ejected) {
      return EjectionDecision.ALREADY_EJECTED;
    }
    if (s.failures.get() < policy.consecutiveFailures()) {
      return EjectionDecision.COUNTED;
    }
    if (!policy.allowsOneMore(ejectedCount, slots.length)) {
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

  private Slot slot(int replica) {
    if (replica < 0 || replica >= slots.length) {
      throw new IndexOutOfBoundsException(
          "replica " + replica + " is not in a pool of " + slots.length);
    }
    return slots[replica];
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
