package dev.switchboard.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.gateway.ratelimit.GatewayRateLimiter;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.Router;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The admin listener: {@code /healthz} (the process is up), {@code /readyz} (every pool has a
 * routable replica; 503 otherwise) and {@code /admin/replicas} (each replica's state and load, each
 * pool's admission queue, and whether the rate limiter reaches Redis).
 */
public final class AdminHandler implements Handler<HttpServerRequest> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Router router;
  /** Null when no rate limit is configured. */
  private final GatewayRateLimiter rateLimiter;

  public AdminHandler(Router router, GatewayRateLimiter rateLimiter) {
    this.router = router;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/healthz" -> req.response().putHeader("content-type", "application/json").end("{\"status\":\"ok\"}");
      case "/readyz" -> {
        boolean ready = router.pools().stream().allMatch(p -> !p.routable().isEmpty());
        req.response()
            .setStatusCode(ready ? 200 : 503)
            .putHeader("content-type", "application/json")
            .end(replicas().put("ready", ready).toString());
      }
      case "/admin/replicas" ->
          req.response().putHeader("content-type", "application/json").end(replicas().toString());
      default -> req.response().setStatusCode(404).putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"Unknown admin path.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}");
    }
  }

  private ObjectNode replicas() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode pools = root.putArray("pools");
    for (ReplicaPool p : router.pools()) {
      ObjectNode pn = pools.addObject();
      pn.put("name", p.name());
      pn.put("balancer", p.balancer().name());
      pn.putPOJO("models", p.models());
      if (p.admission() != null) {
        pn.put("waiting", p.admission().waiting());
      }
      ArrayNode rs = pn.putArray("replicas");
      for (UpstreamReplica u : p.replicas()) {
        Replica r = u.replica();
        rs.addObject()
            .put("id", r.id())
            .put("address", u.host() + ":" + u.port())
            .put("state", r.state().name())
            .put("in_flight", r.inFlight())
            .put("dispatched", r.dispatchedTotal())
            .put("latency_ewma_ms", r.latency().estimateNanos() / 1e6)
            .put("waiting", r.load().waiting())
            .put("running", r.load().running())
            .put("kv_cache_usage", r.load().kvCacheUsage());
      }
    }
    if (rateLimiter != null) {
      root.putObject("ratelimit")
          .put("redis_available", rateLimiter.redisAvailable())
          .put("decisions_without_redis", rateLimiter.fallbackDecisions());
    }
    return root;
  }
}
