package dev.switchboard.core.health;

import dev.switchboard.core.replica.ReplicaState;

/**
 * The state a replica should be in, given what it is now, whether outlier detection has it
 * ejected, and its latest probe. One rule for every trigger (probe, ejection, re-admission), so
 * that they cannot disagree:
 *
 * <ul>
 *   <li>{@code DRAINING} belongs to whoever started the drain; health never changes it.
 *   <li>An ejected replica is {@code EJECTED} whatever its probes say: only time re-admits it.
 *   <li>Otherwise a passed probe means {@code READY} and a failed one {@code DOWN}, except that a
 *       {@code STARTING} replica stays so until it first passes (cold starts take minutes).
 *   <li>With no probe yet, a re-admitted replica goes back to {@code READY}; others stay.
 * </ul>
 */
public final class HealthStateRule {
  /** A replica's latest {@code /health} probe. */
  public enum Probe {
    NONE_YET,
    PASSED,
    FAILED
  }

  private HealthStateRule() {}

  public static ReplicaState next(ReplicaState current, boolean ejected, Probe probe) {
    if (current == ReplicaState.DRAINING) {
      return current;
    }
    if (ejected) {
      return ReplicaState.EJECTED;
    }
    return switch (probe) {
      case PASSED -> ReplicaState.READY;
      case FAILED -> current == ReplicaState.STARTING ? current : ReplicaState.DOWN;
      case NONE_YET -> current == ReplicaState.EJECTED ? ReplicaState.READY : current;
    };
  }
}
