package dev.switchboard.gateway.health;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in replica on 127.0.0.1, an ephemeral port: {@code /health} answers as told (healthy,
 * unhealthy, or too slow), {@code /metrics} serves canned text, and it counts what it was asked.
 */
final class FakeReplica {
  enum Health {
    HEALTHY,
    UNHEALTHY,
    SLOW
  }

  private static final long SLOW_MILLIS = 5_000;

  volatile Health health = Health.HEALTHY;
  volatile String metrics = "";
  volatile int metricsStatus = 200;
  volatile long metricsDelayMillis;
  final AtomicInteger healthRequests = new AtomicInteger();
  final AtomicInteger metricsRequests = new AtomicInteger();
  final AtomicInteger maxConcurrentMetrics = new AtomicInteger();
  private final AtomicInteger concurrentMetrics = new AtomicInteger();
  private final Vertx vertx;
  private final HttpServer server;

  private FakeReplica(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static FakeReplica start(Vertx vertx) throws Exception {
    FakeReplica replica = new FakeReplica(vertx);
    replica.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    return replica;
  }

  int port() {
    return server.actualPort();
  }

  void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/health" -> health(request.response());
      case "/metrics" -> metrics(request.response());
      default -> request.response().setStatusCode(404).end();
    }
  }

  private void health(HttpServerResponse response) {
    healthRequests.incrementAndGet();
    switch (health) {
      case HEALTHY -> response.end("ok");
      case UNHEALTHY -> response.setStatusCode(503).end("sick");
      case SLOW -> later(SLOW_MILLIS, () -> endIfOpen(response.setStatusCode(200), "ok, late"));
    }
  }

  private void metrics(HttpServerResponse response) {
    metricsRequests.incrementAndGet();
    int now = concurrentMetrics.incrementAndGet();
    maxConcurrentMetrics.accumulateAndGet(now, Math::max);
    later(
        metricsDelayMillis,
        () -> {
          concurrentMetrics.decrementAndGet();
          endIfOpen(response.setStatusCode(metricsStatus), metrics);
        });
  }

  /** The client may have given up and reset the connection meanwhile. */
  private static void endIfOpen(HttpServerResponse response, String body) {
    if (!response.closed()) {
      response.end(body);
    }
  }

  private void later(long millis, Runnable action) {
    if (millis <= 0) {
      action.run();
    } else {
      vertx.setTimer(millis, id -> action.run());
    }
  }
}
