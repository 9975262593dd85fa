package dev.switchboard.sim.metrics;

import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.DecisionListener;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.Failed;
import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.event.RateLimited;
import dev.switchboard.core.event.ReplicaStateChanged;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.event.Shed;
import dev.switchboard.core.replica.ReplicaState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Collects one policy's run from the decision events the simulation publishes, as the gateway's
 * metrics would: latency distributions in HdrHistograms (microseconds, 3 significant digits,
 * auto-resizing so an unstable policy's huge latencies are still counted), per-tier results,
 * failures and retries, each replica's share of the tries and its state changes (by replica id),
 * and one-second buckets over time. What only the engine knows (the decode steps, the wait in the
 * replica's own queue) and what the simulator samples (requests in flight) it is told directly.
 *
 * <p>Every request ends in exactly one of {@link Completed}, {@link Failed}, {@link Shed} and
 * {@link RateLimited}; arrivals are counted from these, by the time each request arrived.
 */
public final class RunMetrics implements DecisionListener {
  private static final long BUCKET_NANOS = 1_000_000_000L;
  private static final int MAX_SERIES_POINTS = 240;

  private final Histogram latency = histogram();
  private final Histogram ttft = histogram();
  private final Histogram interToken = histogram();
  private final Histogram queueWait = histogram();
  private final Map<String, TierStats> tiers = new LinkedHashMap<>();
  /** By id, in the scenario's order: the reports' columns. */
  private final Map<String, ReplicaStats> replicas = new LinkedHashMap<>();
  private long completed;
  private long rejected;
  private long errors;
  private long retries;
  private long ejections;
  private long firstArrival = Long.MAX_VALUE;
  private long lastEvent;

  private long[] arrivals = new long[64];
  private long[] done = new long[64];
  private double[] latencySum = new double[64];
  private int buckets;

  /**
   * @param replicaIds the replicas, in the order the reports show them
   * @param tierNames the workload's tiers, in the order the reports show them
   */
  public RunMetrics(List<String> replicaIds, List<String> tierNames) {
    for (String id : replicaIds) {
      replicas.put(id, new ReplicaStats(arrivals.length));
    }
    for (String t : tierNames) {
      tiers.put(t, new TierStats());
    }
  }

  private static Histogram histogram() {
    Histogram h = new Histogram(3);
    h.setAutoResize(true);
    return h;
  }

  @Override
  public void on(DecisionEvent event) {
    // The commonest first: every try is dispatched, most requests complete.
    if (event instanceof Dispatched d) {
      replica(d.replica()).dispatched++;
    } else if (event instanceof Completed c) {
      onCompleted(c);
    } else if (event instanceof Failed f) {
      onFailed(f);
    } else if (event instanceof Retried) {
      retries++;
    } else if (event instanceof Shed s) {
      ended(s.arrivedNanos(), s.atNanos());
      rejected++;
      tier(s.request().tier()).rejected++;
    } else if (event instanceof RateLimited r) {
      // Refused on arrival.
      ended(r.atNanos(), r.atNanos());
      rejected++;
      tier(r.tier()).rateLimited++;
    } else if (event instanceof ReplicaStateChanged c) {
      replica(c.replica()).changes.add(new StateChange(c.atNanos() / 1e9, c.from(), c.to(), c.reason()));
      if (c.to() == ReplicaState.EJECTED) {
        ejections++;
      }
    }
  }

  private void onCompleted(Completed c) {
    long e2e = c.latencyNanos();
    long first = c.timeToFirstByteNanos();
    latency.recordValue(micros(e2e));
    ttft.recordValue(micros(first));
    TierStats t = tier(c.request().tier());
    t.completed++;
    t.latency.recordValue(micros(e2e));
    t.ttft.recordValue(micros(first));
    completed++;
    ended(c.arrivedNanos(), c.atNanos());
    int b = bucket(c.atNanos());
    done[b]++;
    latencySum[b] += e2e / 1e6;
  }

  private void onFailed(Failed f) {
    ended(f.arrivedNanos(), f.atNanos());
    TierStats t = tier(f.request().tier());
    // Never tried, or refused outright, is a rejection as before; a failed try that could not be
    // made good is an error.
    if (f.cause() == FailureCause.REFUSED || f.attempts() == 0) {
      rejected++;
      t.rejected++;
    } else {
      errors++;
      t.errors++;
    }
  }

  /** A request that arrived at {@code arrivedNanos} ended at {@code atNanos}. */
  private void ended(long arrivedNanos, long atNanos) {
    firstArrival = Math.min(firstArrival, arrivedNanos);
    arrivals[bucket(arrivedNanos)]++;
    lastEvent = Math.max(lastEvent, atNanos);
  }

  /** A completed request waited this long, from its arrival, before the engine began serving it. */
  public void onQueueWait(long nanos) {
    queueWait.recordValue(micros(nanos));
  }

  public void onDecodeStep(long stepNanos, int tokens) {
    interToken.recordValueWithCount(micros(stepNanos), tokens);
  }

  /** Where the requests outstanding at {@code replicaId} are sampled; look it up once. */
  public InFlight inFlight(String replicaId) {
    return new InFlight(replica(replicaId));
  }

  /** One replica's requests in flight over time. */
  public final class InFlight {
    private final ReplicaStats stats;

    private InFlight(ReplicaStats stats) {
      this.stats = stats;
    }

    /** Samples the replica's outstanding requests into the current bucket. */
    public void sample(long now, int outstanding) {
      int b = bucket(now); // may grow the arrays: index only after
      stats.inFlight[b] = outstanding;
    }
  }

  private TierStats tier(String name) {
    TierStats t = tiers.get(name);
    return t != null ? t : tiers.computeIfAbsent(name, k -> new TierStats());
  }

  private ReplicaStats replica(String id) {
    ReplicaStats r = replicas.get(id);
    return r != null ? r : replicas.computeIfAbsent(id, k -> new ReplicaStats(arrivals.length));
  }

  private int bucket(long at) {
    int b = (int) Math.max(0, at / BUCKET_NANOS);
    if (b >= arrivals.length) {
      int n = Math.max(b + 1, arrivals.length * 2);
      arrivals = Arrays.copyOf(arrivals, n);
      done = Arrays.copyOf(done, n);
      latencySum = Arrays.copyOf(latencySum, n);
      for (ReplicaStats r : replicas.values()) {
        r.inFlight = Arrays.copyOf(r.inFlight, n);
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
   * @param busyNanos each replica's busy time, by id
   */
  public PolicyResult result(String policy, Map<String, Long> busyNanos) {
    long start = firstArrival == Long.MAX_VALUE ? 0 : Math.max(firstArrival, 0);
    double duration = Math.max(1e-9, (lastEvent - start) / 1e9);
    long total = 0;
    for (ReplicaStats r : replicas.values()) {
      total += r.dispatched;
    }
    int n = replicas.size();
    double[] share = new double[n];
    double[] util = new double[n];
    Map<String, List<StateChange>> changes = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, ReplicaStats> e : replicas.entrySet()) {
      ReplicaStats r = e.getValue();
      share[i] = total == 0 ? 0 : (double) r.dispatched / total;
      util[i] = Math.min(1.0, busyNanos.getOrDefault(e.getKey(), 0L) / 1e9 / duration);
      if (!r.changes.isEmpty()) {
        changes.put(e.getKey(), List.copyOf(r.changes));
      }
      i++;
    }
    Map<String, PolicyResult.TierResult> byTier = new LinkedHashMap<>();
    tiers.forEach(
        (name, t) ->
            byTier.put(
                name,
                new PolicyResult.TierResult(
                    t.completed, t.rejected, t.rateLimited, t.errors, Percentiles.ofMicros(t.latency), Percentiles.ofMicros(t.ttft))));
    return new PolicyResult(
        policy,
        completed,
        rejected,
        errors,
        retries,
        ejections,
        Percentiles.ofMicros(latency),
        Percentiles.ofMicros(ttft),
        Percentiles.ofMicros(interToken),
        Percentiles.ofMicros(queueWait),
        completed / duration,
        duration,
        share,
        util,
        cdf(latency),
        series(),
        byTier,
        changes);
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
    List<ReplicaStats> columns = List.copyOf(replicas.values());
    int[][] inflight = new int[columns.size()][n];
    for (int i = 0; i < buckets; i++) {
      int j = i / merge;
      a[j] += arrivals[i];
      c[j] += done[i];
      mean[j] += latencySum[i];
      for (int r = 0; r < columns.size(); r++) {
        inflight[r][j] = columns.get(r).inFlight[i];
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
    long errors;
  }

  private static final class ReplicaStats {
    final List<StateChange> changes = new ArrayList<>();
    long dispatched;
    int[] inFlight;

    ReplicaStats(int buckets) {
      inFlight = new int[buckets];
    }
  }
}
