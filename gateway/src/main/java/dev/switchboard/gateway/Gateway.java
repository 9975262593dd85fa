package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Clock;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.gateway.admin.AdminHandler;
import dev.switchboard.gateway.auth.Authenticator;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.health.HealthMonitor;
import dev.switchboard.gateway.proxy.DataPlane;
import dev.switchboard.gateway.ratelimit.GatewayRateLimiter;
import dev.switchboard.gateway.ratelimit.RateLimitConfig;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.Router;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The running gateway: the data plane (on Netty, an event loop per core, where the health checks
 * and the admission queue's expiry run too), the admin listener (on Vert.x), the pools.
 * {@link #start} binds; {@link #stop} drains.
 */
public final class Gateway {
  private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

  private final Vertx vertx;
  private final GatewayConfig config;
  /** Every decision the gateway makes, for whoever listens (telemetry, the dashboard, recording). */
  private final Decisions decisions = new Decisions();
  private final Router router;
  private final Authenticator authenticator;
  private final RetryBudget retryBudget;
  /** Null when no rate limit is configured. */
  private final GatewayRateLimiter rateLimiter;
  private final String modelsJson;
  private DataPlane dataPlane;
  private final List<HealthMonitor> monitors = new ArrayList<>();
  private HttpServer admin;
  private int port;

  private Gateway(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
    Clock clock = Clock.system();
    List<ReplicaPool> pools = new ArrayList<>();
    for (GatewayConfig.PoolConfig p : config.pools()) {
      pools.add(
          new ReplicaPool(
              p, config.balancerOptions(), config.decay(), HealthMonitor.policy(config.health()),
              config.admission(), clock, decisions));
    }
    this.router = new Router(pools);
    this.authenticator = new Authenticator(config.keys());
    this.retryBudget =
        new RetryBudget(clock, config.retries().budgetPercent(), config.retries().budgetMinPerSecond());
    this.modelsJson = modelsJson(config);
    this.rateLimiter =
        config.rateLimit() == RateLimitConfig.NONE ? null : GatewayRateLimiter.create(config.rateLimit(), clock);
  }

  /**
   * Starts the gateway: one data-plane instance per event loop on the data port, and the admin
   * listener.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    Gateway g = new Gateway(vertx, config);
    return g.startServers().map(v -> g.startHealth());
  }

  /** How often queued requests are checked against their tier's timeout. */
  private static final long EXPIRY_CHECK_MS = 50;

  private ScheduledFuture<?> expiryTimer;

  private Gateway startHealth() {
    if (config.admission() != null) {
      expiryTimer =
          dataPlane.timers().scheduleAtFixedRate(
              () -> {
                try {
                  for (ReplicaPool pool : router.pools()) {
                    pool.admission().expire();
                  }
                } catch (RuntimeException e) {
                  // A periodic task that throws is never run again: log, and keep expiring.
                  LOG.log(System.Logger.Level.ERROR, "admission queue expiry failed", e);
                }
              },
              EXPIRY_CHECK_MS,
              EXPIRY_CHECK_MS,
              TimeUnit.MILLISECONDS);
    }
    for (ReplicaPool pool : router.pools()) {
      HealthMonitor monitor = new HealthMonitor(dataPlane.fetcher(), pool, config.health(), Clock.system());
      monitors.add(monitor);
      monitor.start();
    }
    return this;
  }

  private Future<Void> startServers() {
    return Future.fromCompletionStage(
            DataPlane.start(
                config, router, authenticator, retryBudget, rateLimiter, modelsJson, CONNECTIONS_PER_REPLICA,
                Clock.system(), decisions))
        .compose(
            plane -> {
              dataPlane = plane;
              port = plane.port();
              return vertx
                  .createHttpServer()
                  .requestHandler(new AdminHandler(router, rateLimiter))
                  .listen(config.admin().port(), config.admin().host());
            })
        .map(
            server -> {
              admin = server;
              LOG.log(
                  System.Logger.Level.INFO,
                  "gateway listening on http://{0}:{1} (admin http://{2}:{3}), {4} event loops ({5}),"
                      + " {6} listening socket(s)",
                  config.data().host(), Integer.toString(port), config.admin().host(),
                  Integer.toString(server.actualPort()), dataPlane.eventLoops(), dataPlane.transport(),
                  dataPlane.listeningSockets());
              if (!PlatformDependent.hasUnsafe()) {
                // JDK 25 and later: Netty then reads and writes native buffers through checked
                // calls. The ./switchboard launcher passes the option; a bare `java -jar` may not.
                LOG.log(
                    System.Logger.Level.INFO,
                    "Netty runs without sun.misc.Unsafe, which costs the proxy about 7% more CPU;"
                        + " java --sun-misc-unsafe-memory-access=allow lets it use it");
              }
              return null;
            });
  }

  /**
   * Stops accepting new requests and lets those in flight finish, up to {@code drain}; then closes
   * everything.
   */
  public Future<Void> stop(Duration drain) {
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
    }
    for (HealthMonitor m : monitors) {
      m.stop();
    }
    List<Future<Void>> drains = new ArrayList<>();
    if (dataPlane != null) {
      drains.add(Future.fromCompletionStage(dataPlane.drain(drain)));
    }
    return Future.join(drains)
        .eventually(() -> admin == null ? Future.succeededFuture() : admin.close())
        .eventually(
            () -> {
              if (rateLimiter != null) {
                rateLimiter.close();
              }
              return Future.succeededFuture();
            })
        .mapEmpty();
  }

  /** Drains for the configured time. */
  public Future<Void> stop() {
    return stop(config.timeouts().drain());
  }

  public int port() {
    return port;
  }

  /** The data plane's listening sockets: one per event loop with {@code reuse_port}, else one. */
  public int listeningSockets() {
    return dataPlane.listeningSockets();
  }

  public int adminPort() {
    return admin.actualPort();
  }

  public GatewayConfig config() {
    return config;
  }

  public Router router() {
    return router;
  }

  /** Where the gateway publishes its decisions: subscribe to hear them. */
  public Decisions decisions() {
    return decisions;
  }

  /** Connections each event loop may open to one replica. */
  private static final int CONNECTIONS_PER_REPLICA = 512;

  private static String modelsJson(GatewayConfig config) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String model : config.models()) {
      data.addObject().put("id", model).put("object", "model").put("created", 0).put("owned_by", "switchboard");
    }
    return root.toString();
  }
}
