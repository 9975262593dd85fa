package dev.switchboard.sim.trace;

import java.util.Locale;

/**
 * Turns a trace's absolute timestamps into offsets from its first record, refusing time that goes
 * backwards (a replay must be in arrival order). Seconds and nanoseconds are kept apart so that
 * calendar timestamps far from 1970 cannot overflow a long of nanoseconds.
 */
final class Timeline {
  private boolean started;
  private long firstSeconds;
  private long firstNanos;
  private long lastOffset;

  /**
   * The offset in nanoseconds of the time {@code seconds + nanos/1e9}.
   *
   * @param what the column or field, for the error, e.g. {@code "column TIMESTAMP"}
   */
  long offset(long seconds, long nanos, TraceLines lines, String what) {
    if (!started) {
      started = true;
      firstSeconds = seconds;
      firstNanos = nanos;
      return 0;
    }
    long offset;
    try {
      offset =
          Math.addExact(
              Math.multiplyExact(Math.subtractExact(seconds, firstSeconds), 1_000_000_000L),
              nanos - firstNanos);
    } catch (ArithmeticException e) {
      throw lines.error("timestamp too far from the first record's (" + what + ")");
    }
    if (offset < lastOffset) {
      throw lines.error(
          String.format(
              Locale.ROOT,
              "timestamp goes backwards, %.3f s before the previous record;"
                  + " a trace must be sorted by time (%s)",
              (lastOffset - offset) / 1e9,
              what));
    }
    lastOffset = offset;
    return offset;
  }
}
