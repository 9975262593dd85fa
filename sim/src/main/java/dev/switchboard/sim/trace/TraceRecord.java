package dev.switchboard.sim.trace;

/**
 * One request read from a trace.
 *
 * @param offsetNanos time since the trace's first record (the first record has 0)
 * @param promptTokens prompt length (≥ 0)
 * @param outputTokens generated tokens as recorded (≥ 0; the workload raises 0 to 1)
 * @param blockHashes prefix-cache block hashes (Mooncake {@code hash_ids}), or {@link #NO_HASHES}
 */
public record TraceRecord(
    long offsetNanos, int promptTokens, int outputTokens, long[] blockHashes) {

  /** The block hashes of a record that has none (Azure traces never do). */
  public static final long[] NO_HASHES = new long[0];
}
