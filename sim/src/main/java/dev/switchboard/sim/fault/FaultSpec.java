package dev.switchboard.sim.fault;

import dev.switchboard.config.Node;

/**
 * What goes wrong with one simulated replica, and when, on the virtual clock (0 = the start of the
 * run). Each part is optional; {@link #NONE} has none.
 *
 * <pre>
 * replicas:
 *   - id: gpu-3
 *     faults: {error_rate: 0.8, from_s: 60, until_s: 120, error_delay_ms: 20}
 *     crash_at_s: 90
 *     recover_at_s: 150
 *     slow_down: {at_s: 30, until_s: 60, factor: 3.0}
 * </pre>
 *
 * @param errors a share of requests answered with a 5xx, or null
 * @param crash the replica stops answering, or null
 * @param slowDown its work takes longer for a while, or null
 */
public record FaultSpec(Errors errors, Crash crash, SlowDown slowDown) {
  /** A replica that never fails. */
  public static final FaultSpec NONE = new FaultSpec(null, null, null);

  /** The fields of a replica's entry that describe its faults. */
  public static final String[] FIELDS = {"faults", "crash_at_s", "recover_at_s", "slow_down"};

  /**
   * From {@code fromNanos} until {@code untilNanos}, each request is answered with a 5xx, with
   * probability {@code rate}, {@code delayNanos} after it was sent, without reaching the engine.
   */
  public record Errors(double rate, long delayNanos, long fromNanos, long untilNanos) {}

  /**
   * At {@code atNanos} the replica's process dies: requests on it fail as connection resets, new
   * ones fail to connect and probes fail, until {@code recoverAtNanos} ({@link Long#MAX_VALUE}:
   * never), when it comes back empty.
   */
  public record Crash(long atNanos, long recoverAtNanos) {}

  /**
   * From {@code atNanos} until {@code untilNanos} ({@link Long#MAX_VALUE}: the end), the replica's
   * speed factor is multiplied by {@code factor} (3.0: work takes three times as long).
   */
  public record SlowDown(long atNanos, long untilNanos, double factor) {}

  public boolean isNone() {
    return errors == null && crash == null && slowDown == null;
  }

  /** Reads the fault fields of one replica's entry ({@link #FIELDS}); the caller allows them. */
  public static FaultSpec parse(Node replica) {
    return new FaultSpec(errors(replica.get("faults")), crash(replica), slowDown(replica.get("slow_down")));
  }

  private static Errors errors(Node n) {
    if (n.isMissing()) {
      return null;
    }
    n.allowOnly("error_rate", "error_delay_ms", "from_s", "until_s");
    double rate = n.number("error_rate");
    if (!(rate >= 0 && rate <= 1)) {
      throw n.error("error_rate", "must be in [0, 1], was " + rate);
    }
    long delay = nanos(n.nonNegative("error_delay_ms", 10), 1e6);
    long from = nanos(n.nonNegative("from_s", 0), 1e9);
    long until = until(n, "until_s", from, "from_s");
    return new Errors(rate, delay, from, until);
  }

  private static Crash crash(Node replica) {
    if (!replica.has("crash_at_s")) {
      if (replica.has("recover_at_s")) {
        throw replica.error("recover_at_s", "needs crash_at_s: only a crashed replica recovers");
      }
      return null;
    }
    long at = nanos(replica.nonNegative("crash_at_s", 0), 1e9);
    return new Crash(at, until(replica, "recover_at_s", at, "crash_at_s"));
  }

  private static SlowDown slowDown(Node n) {
    if (n.isMissing()) {
      return null;
    }
    n.allowOnly("at_s", "until_s", "factor");
    if (!n.has("at_s")) {
      throw n.error("at_s", "is required");
    }
    long at = nanos(n.nonNegative("at_s", 0), 1e9);
    double factor = n.positive("factor");
    return new SlowDown(at, until(n, "until_s", at, "at_s"), factor);
  }

  /** An optional end in seconds, after {@code start}; absent: never. */
  private static long until(Node n, String field, long start, String startField) {
    if (!n.has(field)) {
      return Long.MAX_VALUE;
    }
    long until = nanos(n.positive(field), 1e9);
    if (until <= start) {
      throw n.error(field, "must be after " + startField + " (" + start / 1e9 + "), was " + until / 1e9);
    }
    return until;
  }

  private static long nanos(double value, double nanosPerUnit) {
    double nanos = value * nanosPerUnit;
    // A year of virtual time is far beyond any run; it keeps the sum of times from overflowing.
    return (long) Math.min(nanos, 365 * 86_400 * 1e9);
  }
}
