package dev.switchboard.core.health;

import dev.switchboard.core.Clock;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.health.HealthStateRule.Probe;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one pool's replica states true from what the runtime observes: each request's outcome
 * (passive outlier ejection by the {@link OutlierDetector}), each {@code /health} probe, and the
 * passing of time (re-admission). Every change goes through {@link HealthStateRule}, one transition
 * function for every trigger, and is made on the {@link ReplicaGroup}, which republishes the
 * routable set and tells its listeners.
 *
 * <p>The gateway calls it from its event loops and probe callbacks; the simulator from its events.
 * It does no I/O and starts no thread: the runtime decides when to probe and when to call {@link
 * #readmitDue()} ({@link #nextReadmissionNanos()} says when one is due). Replicas joining and
 * leaving the group are tracked and forgotten by themselves.
 *
 * <p>Thread-safe: successes and below-threshold failures are lock-free; state changes take one
 * lock so that triggers cannot interleave.
 */
public final class ReplicaHealth {
  private final ReplicaGroup<?> group;
  private final OutlierDetector<Replica> detector;
  private final Map<Replica, Probe> probes = new ConcurrentHashMap<>();
  private final Object transitions = new Object();

  public <E> ReplicaHealth(ReplicaGroup<E> group, OutlierPolicy policy, Clock clock) {
    this.group = Objects.requireNonNull(group, "group");
    this.detector = new OutlierDetector<>(policy, clock);
    group.subscribe(
        new ReplicaGroup.Listener<E>() {
          @Override
          public void joined(Replica replica, E endpoint) {
            detector.track(replica);
          }

          @Override
          public void left(Replica replica, E endpoint) {
            detector.forget(replica);
            probes.remove(replica);
          }
        });
    for (Replica r : group.members()) {
      detector.track(r);
    }
  }

  public OutlierPolicy policy() {
    return detector.policy();
  }

  /** A request to {@code replica} succeeded. Cheap and lock-free: call it on the request path. */
  public void onSuccess(Replica replica) {
    detector.recordSuccess(replica);
  }

  /**
   * A request to {@code replica} failed (connection error, timeout, 5xx). Cheap on the request
   * path; takes the lock only when the failure ejects the replica.
   */
  public EjectionDecision onFailure(Replica replica) {
    EjectionDecision decision = detector.recordFailure(replica);
    if (decision.ejected()) {
      reconcile(
          replica,
          "ejected for " + decision.durationNanos() / 1_000_000 + " ms after "
              + detector.policy().consecutiveFailures() + " consecutive failures");
    }
    return decision;
  }

  /** A {@code /health} probe of {@code replica} passed or failed; {@code why} says how, for operators. */
  public void onProbe(Replica replica, boolean passed, String why) {
    if (!group.contains(replica)) {
      return;
    }
    probes.put(replica, passed ? Probe.PASSED : Probe.FAILED);
    reconcile(replica, why);
  }

  /**
   * Re-admits every replica whose ejection has ended by now.
   *
   * @return the replicas re-admitted
   */
  public List<Replica> readmitDue() {
    List<Replica> due = detector.readmitDue();
    for (Replica r : due) {
      reconcile(r, "ejection over");
    }
    return due;
  }

  /** When the earliest current ejection ends, for a runtime that schedules re-admission. */
  public OptionalLong nextReadmissionNanos() {
    return detector.nextReadmissionNanos();
  }

  public boolean isEjected(Replica replica) {
    return detector.isEjected(replica);
  }

  /** Replicas ejected now. */
  public int ejectedCount() {
    return detector.ejectedCount();
  }

  /** Moves the replica to the state the rule says, under one lock so triggers cannot interleave. */
  private void reconcile(Replica replica, String why) {
    synchronized (transitions) {
      ReplicaState from = replica.state();
      ReplicaState to =
          HealthStateRule.next(from, detector.isEjected(replica), probes.getOrDefault(replica, Probe.NONE_YET));
      if (to != from) {
        group.setState(replica, to, why);
      }
    }
  }
}
