package dev.switchboard.sim.metrics;

import dev.switchboard.sim.model.SimRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Collects one policy's run: latency distributions in HdrHistograms (microseconds, 3 significant
 * digits, auto-resizing so an unstable policy's huge latencies are still counted), per-replica
 * shares, per-tier results and one-second buckets over time.
 */
public final class RunMetrics {
  private static final long BUCKET_NANOS = 1_000_000_000L;
  private static final int MAX_SERIES_POINTS = 240;

  private final Histogram latency = histogram();
  private final Histogram ttft = histogram();
  private final Histogram interToken = histogram();
  private final Histogram queueWait = histogram();
  private final Map<String, TierStats> tiers = new LinkedHashMap<>();
  private final long[] dispatched;
  private final int replicas;
  private long completed;
  private long rejected;
  private long firstArrival = -1;
  private long lastEvent;

  private long[] arrivals = new long[64];
  private long[] done = new long[64];
  private double[] latencySum = new double[64];
  private int[][] inFlight;
  private int buckets;

  public RunMetrics(int replicas, List<String> tierNames) {
    this.replicas = replicas;
    this.dispatched = new long[replicas];
    this.inFlight = new int[replicas][64];
    for (String t : tierNames) {
      tiers.put(t, new TierStats());
    }
  }

  private static Histogram histogram() {
    Histogram h = new Histogram(3);
    h.setAutoResize(true);
    return h;
  }

  public void onArrival(SimRequest r) {
    long at = r.arrivalNanos();
    if (firstArrival < 0) {
      firstArrival = at;
    }
    arrivals[bucket(at)]++;
  }

  public void onDispatch(int replicaIndex) {
    dispatched[replicaIndex]++;
  }

  public void onReject(SimRequest r, long now) {
    rejected++;
    tier(r).rejected++;
    lastEvent = Math.max(lastEvent, now);
  }

  /** Refused by a rate limit (a 429 live). */
  public void onRateLimited(SimRequest r, long now) {
    rejected++;
    tier(r).rateLimited++;
    lastEvent = Math.max(lastEvent, now);
  }

  public void onComplete(SimRequest r) {
    long now = r.completedNanos();
    long e2e = now - r.arrivalNanos();
    long first = r.firstTokenNanos() - r.arrivalNanos();
    long wait = r.serviceStartNanos() - r.arrivalNanos();
    latency.recordValue(micros(e2e));
    ttft.recordValue(micros(first));
    queueWait.recordValue(micros(wait));
    TierStats t = tier(r);
    t.completed++;
    t.latency.recordValue(micros(e2e));
    t.ttft.recordValue(micros(first));
    completed++;
    int b = bucket(now);
    done[b]++;
    latencySum[b] += e2e / 1e6;
    lastEvent = Math.max(lastEvent, now);
  }

  public void onDecodeStep(long stepNanos, int tokens) {
    interToken.recordValueWithCount(micros(stepNanos), tokens);
  }

  /** Samples each replica's outstanding requests into the current bucket. */
  public void sampleInFlight(long now, int replica, int outstanding) {
    int b = bucket(now); // may grow the arrays: index only after
    inFlight[replica][b] = outstanding;
  }

  private TierStats tier(SimRequest r) {
    return tiers.computeIfAbsent(r.arrival().tier(), k -> new TierStats());
  }

  private int bucket(long at) {
    int b = (int) Math.max(0, at / BUCKET_NANOS);
    if (b >= arrivals.length) {
      int n = Math.max(b + 1, arrivals.length * 2);
      arrivals = Arrays.copyOf(arrivals, n);
      done = Arrays.copyOf(done, n);
      latencySum = Arrays.copyOf(latencySum, n);
      for (int i = 0; i < replicas; i++) {
        inFlight[i] = Arrays.copyOf(inFlight[i], n);
      }
    }
    buckets = Math.max(buckets, b + 1);
    return b;
  }

  private static long micros(long nanos) {
    return Math.max(0L, nanos / 1000L);
  }

  public long completed() {
    return completed;
  }

  /**
   * The run's result.
   *
   * @param busyNanos each replica's busy time, by index
   */
  public PolicyResult result(String policy, long[] busyNanos) {
    double duration = Math.max(1e-9, (lastEvent - Math.max(firstArrival, 0)) / 1e9);
    long total = Arrays.stream(dispatched).sum();
    double[] share = new double[replicas];
    double[] util = new double[replicas];
    for (int i = 0; i < replicas; i++) {
      share[i] = total == 0 ? 0 : (double) dispatched[i] / total;
      util[i] = Math.min(1.0, busyNanos[i] / 1e9 / duration);
    }
    Map<String, PolicyResult.TierResult> byTier = new LinkedHashMap<>();
    tiers.forEach(
        (name, t) ->
            byTier.put(
                name,
                new PolicyResult.TierResult(
                    t.completed, t.rejected, t.rateLimited, summary(t.latency), summary(t.ttft))));
    return new PolicyResult(
        policy,
        completed,
        rejected,
        summary(latency),
        summary(ttft),
        summary(interToken),
        summary(queueWait),
        completed / duration,
        duration,
        share,
        util,
        cdf(latency),
        series(),
        byTier);
  }

  static Percentiles summary(Histogram h) {
    if (h.getTotalCount() == 0) {
      return Percentiles.EMPTY;
    }
    return new Percentiles(
        h.getTotalCount(),
        h.getMean() / 1000.0,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(95) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  private static List<double[]> cdf(Histogram h) {
    List<double[]> points = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return points;
    }
    // Dense in the tail, where policies differ.
    double[] fractions = {
      0.001, 0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7,
      0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9999, 1.0
    };
    for (double f : fractions) {
      points.add(new double[] {h.getValueAtPercentile(f * 100) / 1000.0, f});
    }
    return points;
  }

  /** One-second buckets merged down to at most {@value #MAX_SERIES_POINTS} points for charts. */
  private TimeSeries series() {
    int merge = Math.max(1, (buckets + MAX_SERIES_POINTS - 1) / MAX_SERIES_POINTS);
    int n = (buckets + merge - 1) / merge;
    long[] a = new long[n];
    long[] c = new long[n];
    double[] mean = new double[n];
    int[][] inflight = new int[replicas][n];
    for (int i = 0; i < buckets; i++) {
      int j = i / merge;
      a[j] += arrivals[i];
      c[j] += done[i];
      mean[j] += latencySum[i];
      for (int r = 0; r < replicas; r++) {
        inflight[r][j] = inFlight[r][i];
      }
    }
    for (int j = 0; j < n; j++) {
      mean[j] = c[j] == 0 ? 0 : mean[j] / c[j];
    }
    return new TimeSeries(merge * BUCKET_NANOS / 1e9, a, c, mean, inflight);
  }

  private static final class TierStats {
    final Histogram latency = histogram();
    final Histogram ttft = histogram();
    long completed;
    long rejected;
    long rateLimited;
  }
}
