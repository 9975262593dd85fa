package dev.switchboard.gateway.health;

import dev.switchboard.core.Clock;
import dev.switchboard.gateway.proxy.ReplicaFetcher;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Reads each READY replica's {@code /metrics} into {@link
 * dev.switchboard.core.replica.Replica#report} for the {@code llm-aware} balancer. At most one
 * scrape per replica is outstanding: a slow replica is skipped, not piled on. A failed scrape is
 * only logged; whether a replica is healthy is for the probes to say.
 */
final class LoadScraper {
  private static final System.Logger LOG = System.getLogger(LoadScraper.class.getName());

  private final ReplicaFetcher http;
  private final ReplicaPool pool;
  private final long timeoutMillis;
  private final Clock clock;
  private final AtomicIntegerArray busy; // 1 while a replica's scrape is outstanding

  LoadScraper(ReplicaFetcher http, ReplicaPool pool, long timeoutMillis, Clock clock) {
    this.http = http;
    this.pool = pool;
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
    this.busy = new AtomicIntegerArray(pool.replicas().size());
  }

  /** Starts a scrape of every READY replica that has none outstanding. */
  void scrapeAll() {
    List<UpstreamReplica> replicas = pool.replicas();
    for (int i = 0; i < replicas.size(); i++) {
      UpstreamReplica u = replicas.get(i);
      if (u.replica().state().isRoutable() && busy.compareAndSet(i, 0, 1)) {
        scrape(i, u);
      }
    }
  }

  private void scrape(int slot, UpstreamReplica u) {
    http.get(u, "/metrics", timeoutMillis)
        .whenComplete(
            (reply, failure) -> {
              busy.set(slot, 0);
              if (failure != null) {
                LOG.log(Level.DEBUG, () -> "pool " + pool.name() + " replica " + u.id()
                    + ": /metrics scrape failed: " + failure);
              } else if (!reply.isSuccess()) {
                LOG.log(Level.DEBUG, () -> "pool " + pool.name() + " replica " + u.id()
                    + ": /metrics answered " + reply.status());
              } else {
                String text = new String(reply.body(), StandardCharsets.UTF_8);
                VllmMetricsParser.parse(text, clock.nanoTime()).ifPresent(u.replica()::report);
              }
            });
  }
}
