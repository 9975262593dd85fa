package dev.switchboard.gateway.health;

import dev.switchboard.core.Clock;
import dev.switchboard.gateway.proxy.ReplicaFetcher;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import dev.switchboard.core.replica.Replica;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  /** Replicas whose scrape is outstanding. */
  private final Set<Replica> busy = ConcurrentHashMap.newKeySet();

  LoadScraper(ReplicaFetcher http, ReplicaPool pool, long timeoutMillis, Clock clock) {
    this.http = http;
    this.pool = pool;
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
  }

  /** Starts a scrape of every READY replica that has none outstanding. */
  void scrapeAll() {
    for (UpstreamReplica u : pool.replicas()) {
      if (u.replica().state().isRoutable() && busy.add(u.replica())) {
        scrape(u);
      }
    }
  }

  private void scrape(UpstreamReplica u) {
    http.get(u, "/metrics", timeoutMillis)
        .whenComplete(
            (reply, failure) -> {
              busy.remove(u.replica());
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
