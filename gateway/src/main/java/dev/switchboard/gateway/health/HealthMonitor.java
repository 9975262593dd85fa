package dev.switchboard.gateway.health;

import dev.switchboard.core.Clock;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.health.OutlierPolicy;
import dev.switchboard.core.health.ReplicaHealth;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.gateway.config.GatewayConfig.HealthConfig;
import dev.switchboard.gateway.proxy.ReplicaFetcher;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The I/O and the timers around a pool's core {@link ReplicaHealth}, which decides every state:
 *
 * <ul>
 *   <li><b>active probes</b>: {@code GET /health} on every member each probe interval, within the
 *       probe timeout; 2xx passes. Each result goes to {@link ReplicaHealth#onProbe};
 *   <li><b>re-admission</b>: the proxy reports each try's outcome to the pool's {@link
 *       ReplicaHealth} directly; a periodic check here re-admits ejected replicas when their time is
 *       up;
 *   <li><b>load scraping</b>: {@code GET /metrics} on READY replicas each scrape interval (0 = off)
 *       into the replicas' load reports.
 * </ul>
 *
 * <p>Its GETs go through a {@link ReplicaFetcher}, the probe timeout for each, and its timers run
 * on one of the fetcher's event loops. Every state change of the pool's replicas is logged.
 */
public final class HealthMonitor {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

  private final ReplicaFetcher http;
  private final ScheduledExecutorService timerLoop;
  private final ReplicaPool pool;
  private final HealthConfig config;
  private final ReplicaHealth health;
  private final LoadScraper scraper;
  /** Replicas whose probe is outstanding: a slow replica is skipped, not piled on. */
  private final Set<Replica> probing = ConcurrentHashMap.newKeySet();
  private final List<Future<?>> timers = new ArrayList<>(); // guarded by this
  private volatile boolean running;
  private boolean started; // guarded by this

  /**
   * @param http how replicas are asked (the data plane's {@link ReplicaFetcher})
   * @param pool the replicas to watch; their states are changed by the pool's {@link
   *     ReplicaHealth}
   * @param config intervals and timeout
   * @param clock the clock for ejection times and load-report stamps ({@link Clock#system()})
   */
  public HealthMonitor(ReplicaFetcher http, ReplicaPool pool, HealthConfig config, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.timerLoop = http.timers();
    this.pool = Objects.requireNonNull(pool, "pool");
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    this.health = pool.health();
    this.scraper = new LoadScraper(http, pool, probeTimeoutMillis(), clock);
    pool.group().subscribe(new StateLog(pool.name()));
    pool.group().subscribe(
        new ReplicaGroup.Listener<>() {
          @Override
          public void left(Replica replica, UpstreamReplica endpoint) {
            http.forget(endpoint);
          }
        });
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

  private void probeAll() {
    for (UpstreamReplica u : pool.replicas()) {
      if (probing.add(u.replica())) {
        probe(u);
      }
    }
  }

  private void probe(UpstreamReplica replica) {
    http.get(replica, "/health", probeTimeoutMillis())
        .whenComplete(
            (reply, failure) -> {
              probing.remove(replica.replica());
              if (!running) {
                return;
              }
              boolean passed = failure == null && reply.isSuccess();
              String why;
              if (passed) {
                why = "probe passed";
              } else if (failure != null) {
                why = "probe failed: " + failure.getMessage();
              } else {
                why = "probe answered HTTP " + reply.status();
              }
              health.onProbe(replica.replica(), passed, why);
            });
  }

  private void readmitDue() {
    health.readmitDue();
  }

  private void scrapeAll() {
    if (running) {
      scraper.scrapeAll();
    }
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

  /** Logs every state change of the pool's replicas: recovery at INFO, the rest at WARNING. */
  private record StateLog(String pool) implements ReplicaGroup.Listener<UpstreamReplica> {
    @Override
    public void stateChanged(Replica replica, ReplicaState from, ReplicaState to, String reason) {
      Level level = to == ReplicaState.READY ? Level.INFO : Level.WARNING;
      LOG.log(level, "pool {0} replica {1}: {2} -> {3} ({4})", pool, replica.id(), from, to, reason);
    }
  }
}
