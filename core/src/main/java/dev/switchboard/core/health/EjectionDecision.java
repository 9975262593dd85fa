package dev.switchboard.core.health;

import java.util.Objects;

/**
 * What one recorded failure led to.
 *
 * @param outcome what happened to the replica
 * @param untilNanos when the ejection ends, on the detector's clock; meaningful only if ejected
 * @param durationNanos how long the ejection lasts; 0 unless ejected
 */
public record EjectionDecision(Outcome outcome, long untilNanos, long durationNanos) {

  /** What a failure did. */
  public enum Outcome {
    /** Counted; the replica has not reached the threshold. */
    COUNTED,
    /** This call ejected the replica. */
    EJECTED,
    /** The replica was already out (a request sent before it was ejected failed). */
    ALREADY_EJECTED,
    /** The threshold was reached but the pool's ejection cap kept the replica in. */
    CAPPED,
    /** The replica is not tracked (it left the pool while the request ran): nothing counted. */
    NOT_TRACKED
  }

  // Shared instances: the common outcomes must not allocate on the request path.
  static final EjectionDecision COUNTED = new EjectionDecision(Outcome.COUNTED, 0L, 0L);
  static final EjectionDecision ALREADY_EJECTED =
      new EjectionDecision(Outcome.ALREADY_EJECTED, 0L, 0L);
  static final EjectionDecision CAPPED = new EjectionDecision(Outcome.CAPPED, 0L, 0L);
  static final EjectionDecision NOT_TRACKED = new EjectionDecision(Outcome.NOT_TRACKED, 0L, 0L);

  public EjectionDecision {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome != Outcome.EJECTED && (untilNanos != 0L || durationNanos != 0L)) {
      throw new IllegalArgumentException("only an ejection has an end time, not " + outcome);
    }
    if (durationNanos < 0) {
      throw new IllegalArgumentException("durationNanos must be >= 0, was " + durationNanos);
    }
  }

  static EjectionDecision ejected(long untilNanos, long durationNanos) {
    return new EjectionDecision(Outcome.EJECTED, untilNanos, durationNanos);
  }

  /** Whether this call ejected the replica. */
  public boolean ejected() {
    return outcome == Outcome.EJECTED;
  }
}
