package dev.switchboard.loadgen;

import dev.switchboard.sim.metrics.Percentiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Counts and times requests per tier and overall, in microsecond HdrHistograms. Synchronized: it
 * is cheap uncontended, and the result is read from another thread than the one recording.
 */
final class LatencyRecorder {
  private final Map<String, Tally> tiers = new LinkedHashMap<>();
  private final Tally overall = new Tally();
  private final Histogram sendLateness = new Histogram(3);

  /** @param tierNames tiers to report even if they get no traffic, in report order */
  LatencyRecorder(List<String> tierNames) {
    for (String t : tierNames) {
      tiers.put(t, new Tally());
    }
  }

  /** A request sent {@code lateNanos} after its scheduled time. */
  synchronized void sent(String tier, long lateNanos) {
    sendLateness.recordValue(Math.max(0, lateNanos) / 1000);
    overall.sent++;
    tally(tier).sent++;
  }

  synchronized void dropped(String tier) {
    overall.dropped++;
    tally(tier).dropped++;
  }

  /**
   * A request answered 2xx and read to the end.
   *
   * @param ttftNanos time to first token, or negative when no token came
   */
  synchronized void ok(String tier, long ttftNanos, long latencyNanos, long tokens) {
    overall.ok(ttftNanos, latencyNanos, tokens);
    tally(tier).ok(ttftNanos, latencyNanos, tokens);
  }

  /** A failed request; {@code kind} is an HTTP status or a network error kind. */
  synchronized void error(String tier, String kind) {
    overall.errors.merge(kind, 1L, Long::sum);
    tally(tier).errors.merge(kind, 1L, Long::sum);
  }

  /** Overall counts and percentiles, with rates over the given window and run time. */
  synchronized LoadgenResult result(
      String url, double offeredRate, double windowSeconds, double elapsedSeconds) {
    Map<String, TierResult> byTier = new LinkedHashMap<>();
    tiers.forEach((name, t) -> byTier.put(name, t.result(elapsedSeconds)));
    double achieved = windowSeconds > 0 ? overall.sent / windowSeconds : Double.NaN;
    return new LoadgenResult(
        url, offeredRate, achieved, windowSeconds, elapsedSeconds, Percentiles.ofMicros(sendLateness),
        overall.result(elapsedSeconds), byTier);
  }

  private Tally tally(String tier) {
    return tiers.computeIfAbsent(tier, t -> new Tally());
  }

  /** One tier's counters and histograms. */
  private static final class Tally {
    private long sent;
    private long ok;
    private long dropped;
    private long tokens;
    private final Map<String, Long> errors = new TreeMap<>();
    private final Histogram ttft = new Histogram(3);
    private final Histogram latency = new Histogram(3);

    void ok(long ttftNanos, long latencyNanos, long tokenCount) {
      ok++;
      tokens += tokenCount;
      if (ttftNanos >= 0) {
        ttft.recordValue(ttftNanos / 1000);
      }
      latency.recordValue(Math.max(0, latencyNanos) / 1000);
    }

    TierResult result(double elapsedSeconds) {
      double tps = elapsedSeconds > 0 ? tokens / elapsedSeconds : Double.NaN;
      return new TierResult(
          sent, ok, dropped, new TreeMap<>(errors), tokens, tps, Percentiles.ofMicros(ttft),
          Percentiles.ofMicros(latency));
    }
  }
}
