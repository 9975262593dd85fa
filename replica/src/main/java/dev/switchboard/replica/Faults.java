package dev.switchboard.replica;

/**
 * Failures a replica injects on purpose, so that the gateway's retries, ejection and health checks
 * can be shown working against something that misbehaves the way real replicas do.
 *
 * @param errorRate fraction of completion requests answered 500 before any byte, 0..1
 * @param spikeRate fraction of completion requests held {@code spikeMillis} before the model sees
 *     them (a GC pause, a slow network hop), 0..1
 * @param spikeMillis the extra latency of a spiked request
 * @param stall the process is wedged: it accepts connections but answers nothing, health included
 * @param crashAfter after this many completion requests are answered the server closes its listener
 *     and every connection, as a crashed process would; 0 never crashes
 */
public record Faults(double errorRate, double spikeRate, long spikeMillis, boolean stall, long crashAfter) {

  /** A well-behaved replica. */
  public static final Faults NONE = new Faults(0.0, 0.0, 0L, false, 0L);

  public Faults {
    requireRate("errorRate", errorRate);
    requireRate("spikeRate", spikeRate);
    if (spikeMillis < 0) {
      throw new IllegalArgumentException("spikeMillis must be >= 0, was " + spikeMillis);
    }
    if (crashAfter < 0) {
      throw new IllegalArgumentException("crashAfter must be >= 0 (0 = never), was " + crashAfter);
    }
  }

  public Faults withErrorRate(double rate) {
    return new Faults(rate, spikeRate, spikeMillis, stall, crashAfter);
  }

  public Faults withSpikes(double rate, long millis) {
    return new Faults(errorRate, rate, millis, stall, crashAfter);
  }

  public Faults withStall(boolean stalled) {
    return new Faults(errorRate, spikeRate, spikeMillis, stalled, crashAfter);
  }

  public Faults withCrashAfter(long requests) {
    return new Faults(errorRate, spikeRate, spikeMillis, stall, requests);
  }

  private static void requireRate(String name, double rate) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], was " + rate);
    }
  }
}
