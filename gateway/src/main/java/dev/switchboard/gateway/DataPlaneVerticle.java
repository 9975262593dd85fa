package dev.switchboard.gateway;

import dev.switchboard.gateway.proxy.ProxyHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the data plane: its own HTTP server (all instances share the port) and
 * its own client to the replicas, so a request and its upstream connection stay on one thread.
 */
final class DataPlaneVerticle extends VerticleBase {
  private final Gateway gateway;
  private final int port;
  private HttpServer server;
  private HttpClient client;
  private long timeoutTimer = -1;

  DataPlaneVerticle(Gateway gateway, int port) {
    this.gateway = gateway;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    var config = gateway.config();
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeouts().connect().toMillis()))
                .setIdleTimeout(120)
                .setIdleTimeoutUnit(TimeUnit.SECONDS),
            new PoolOptions().setHttp1MaxSize(gateway.connectionsPerReplica()));
    ProxyHandler handler =
        new ProxyHandler(
            client, gateway.router(), gateway.authenticator(), gateway.retryBudget(), gateway.rateLimiter(), config, gateway.modelsJson());
    timeoutTimer = handler.startTimeouts(vertx);
    server =
        vertx.createHttpServer(
                new HttpServerOptions()
                    .setTcpNoDelay(true)
                    .setIdleTimeout(0)
                    .setDecompressionSupported(false)
                    // No WebSockets here: without these the WebSocket extension handler leaves
                    // every connection's pipeline, which each response passed through.
                    .setPerMessageWebSocketCompressionSupported(false)
                    .setPerFrameWebSocketCompressionSupported(false))
            .requestHandler(handler);
    return server.listen(port, config.data().host());
  }

  int actualPort() {
    return server.actualPort();
  }

  /** Stops accepting and lets requests in flight finish, up to the drain timeout. */
  Future<Void> drain(long timeoutMillis) {
    return server
        .shutdown(timeoutMillis, TimeUnit.MILLISECONDS)
        .eventually(
            () -> {
              vertx.cancelTimer(timeoutTimer);
              return client.close();
            });
  }

  @Override
  public Future<?> stop() {
    return Future.succeededFuture();
  }
}
