package dev.switchboard.gateway.health;

import dev.switchboard.core.Clock;
import dev.switchboard.core.health.EjectionDecision;
import dev.switchboard.core.health.OutlierDetector;
import dev.switchboard.core.health.OutlierPolicy;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.gateway.config.GatewayConfig.HealthConfig;
import dev.switchboard.gateway.health.HealthStateRule.Probe;
import dev.switchboard.gateway.upstream.Outcomes;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import dev.switchboard.gateway.proxy.ReplicaFetcher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keeps one pool's replica states true, from three sources:
 *
 * <ul>
 *   <li><b>active probes</b>: {@code GET /health} on every replica each probe interval, within the
 *       probe timeout; 2xx passes. A failed probe takes a replica {@code DOWN}, a passed one brings
 *       it back {@code READY};
 *   <li><b>passive ejection</b>: the proxy reports each request's outcome through {@link
 *       #onSuccess} and {@link #onFailure}; the core {@link OutlierDetector} decides ejections, and
 *       a periodic check re-admits replicas when their time is up;
 *   <li><b>load scraping</b>: {@code GET /metrics} on READY replicas each scrape interval (0 = off)
 *       into the replicas' load reports.
 * </ul>
 *
 * <p>Every state change goes through {@link HealthStateRule}, so an ejected replica stays
 * {@code EJECTED} while its probes pass and, once re-admitted, is READY or DOWN by its latest
 * probe. Its GETs go through a {@link ReplicaFetcher}, the probe timeout for each, and its timers
 * run on one of the fetcher's event loops. Outcomes reported before {@link #start()} or after
 * {@link #stop()} are ignored, since no re-admission would follow them.
 */
public final class HealthMonitor implements Outcomes {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

  private final ReplicaFetcher http;
  private final ScheduledExecutorService timerLoop;
  private final ReplicaPool pool;
  private final HealthConfig config;
  private final OutlierDetector detector;
  private final LoadScraper scraper;
  private final AtomicReferenceArray<Probe> probes;
  private final AtomicIntegerArray probing; // 1 while a replica's probe is outstanding
  private final Object transitions = new Object();
  private final List<Future<?>> timers = new ArrayList<>(); // guarded by this
  private volatile boolean running;
  private boolean started; // guarded by this

  /**
   * @param http how replicas are asked (the data plane's {@link ReplicaFetcher})
   * @param pool the replicas to watch; their states are changed through {@link
   *     ReplicaPool#setState}
   * @param config intervals, timeout and ejection settings
   * @param clock the clock for ejection times and load-report stamps ({@link Clock#system()})
   */
  public HealthMonitor(ReplicaFetcher http, ReplicaPool pool, HealthConfig config, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.timerLoop = http.timers();
    this.pool = Objects.requireNonNull(pool, "pool");
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    long timeout = probeTimeoutMillis();
    int size = pool.replicas().size();
    this.detector = new OutlierDetector(size, policy(config), clock);
    this.scraper = new LoadScraper(http, pool, timeout, clock);
    this.probes = new AtomicReferenceArray<>(size);
    for (int i = 0; i < size; i++) {
      probes.set(i, Probe.NONE_YET);
    }
    this.probing = new AtomicIntegerArray(size);
  }

  /** The outlier-detection settings in {@code config}. */
  public static OutlierPolicy policy(HealthConfig config) {
    return new OutlierPolicy(
        config.consecutiveFailures(),
        config.baseEjection(),
        config.maxEjection(),
        config.maxEjectedPercent());
  }

  public ReplicaPool pool() {
    return pool;
  }

  /** Starts probing (the first round at once), re-admission checks and, if enabled, scraping. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("health monitor for pool " + pool.name() + " already started");
    }
    started = true;
    running = true;
    every(0, millis(config.probeInterval()), this::probeAll);
    long readmit = readmitCheckMillis();
    every(readmit, readmit, this::readmitDue);
    if (!config.scrapeInterval().isZero()) {
      every(0, millis(config.scrapeInterval()), this::scrapeAll);
    }
  }

  private void every(long firstMillis, long periodMillis, Runnable task) {
    timers.add(
        timerLoop.scheduleAtFixedRate(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                // A periodic task that throws is never run again: log, and keep checking.
                LOG.log(Level.ERROR, "health check of pool " + pool.name() + " failed", e);
              }
            },
            firstMillis,
            periodMillis,
            TimeUnit.MILLISECONDS));
  }

  /** Cancels the timers; probes and scrapes still in flight change nothing. */
  public synchronized void stop() {
    running = false;
    for (Future<?> timer : timers) {
      timer.cancel(false);
    }
    timers.clear();
  }

  /** A request to {@code replica} succeeded. Cheap and lock-free: call it on the request path. */
  @Override
  public void onSuccess(UpstreamReplica replica) {
    int slot = slot(replica);
    if (running) {
      detector.recordSuccess(slot);
    }
  }

  /**
   * A request to {@code replica} failed (connection error, timeout, 5xx). Cheap on the request
   * path; takes a short lock only when the failure ejects the replica.
   */
  @Override
  public void onFailure(UpstreamReplica replica) {
    int slot = slot(replica);
    if (!running) {
      return;
    }
    EjectionDecision decision = detector.recordFailure(slot);
    if (decision.ejected()) {
      reconcile(
          replica,
          "ejected for " + decision.durationNanos() / 1_000_000 + " ms after "
              + config.consecutiveFailures() + " consecutive failures");
    } else if (decision.outcome() == EjectionDecision.Outcome.CAPPED
        && LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "pool {0} replica {1}: not ejected, {2}% of the pool is out already",
          pool.name(), replica.id(), config.maxEjectedPercent());
    }
  }

  private void probeAll() {
    List<UpstreamReplica> replicas = pool.replicas();
    for (int i = 0; i < replicas.size(); i++) {
      if (probing.compareAndSet(i, 0, 1)) {
        probe(i, replicas.get(i));
      }
    }
  }

  private void probe(int slot, UpstreamReplica replica) {
    http.get(replica, "/health", probeTimeoutMillis())
        .whenComplete(
            (reply, failure) -> {
              probing.set(slot, 0);
              if (!running) {
                return;
              }
              boolean passed = failure == null && reply.isSuccess();
              probes.set(slot, passed ? Probe.PASSED : Probe.FAILED);
              String why;
              if (passed) {
                why = "probe passed";
              } else if (failure != null) {
                why = "probe failed: " + failure.getMessage();
              } else {
                why = "probe answered HTTP " + reply.status();
              }
              reconcile(replica, why);
            });
  }

  private void readmitDue() {
    for (int slot : detector.readmitDue()) {
      reconcile(pool.get(slot), "ejection over");
    }
  }

  private void scrapeAll() {
    if (running) {
      scraper.scrapeAll();
    }
  }

  /** Moves the replica to the state the rule says, under one lock so triggers cannot interleave. */
  private void reconcile(UpstreamReplica replica, String why) {
    int slot = replica.replica().index();
    ReplicaState from;
    ReplicaState to;
    synchronized (transitions) {
      from = replica.replica().state();
      to = HealthStateRule.next(from, detector.isEjected(slot), probes.get(slot));
      if (to == from) {
        return;
      }
      pool.setState(replica, to);
    }
    Level level = to == ReplicaState.READY ? Level.INFO : Level.WARNING;
    LOG.log(level, "pool {0} replica {1}: {2} -> {3} ({4})", pool.name(), replica.id(), from, to, why);
  }

  private int slot(UpstreamReplica replica) {
    int slot = replica.replica().index();
    if (slot >= pool.replicas().size() || pool.get(slot) != replica) {
      throw new IllegalArgumentException(replica + " is not in pool " + pool.name());
    }
    return slot;
  }

  private long probeTimeoutMillis() {
    return millis(config.probeTimeout());
  }

  /** Re-admission is checked at a tenth of the base ejection: late by at most 10%. */
  private long readmitCheckMillis() {
    return Math.max(10, Math.min(1_000, config.baseEjection().toMillis() / 10));
  }

  private static long millis(Duration d) {
    return Math.max(1, d.toMillis());
  }
}
