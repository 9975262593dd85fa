package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.Node;
import dev.switchboard.gateway.config.GatewayConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Starts fake replicas and a gateway in front of them, on ephemeral ports. */
final class GatewayHarness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  Gateway gateway;

  /**
   * A fake replica: {@code /health} answers 200, {@code /metrics} 404 (no load reports), the rest
   * {@code handler}; returns its port.
   */
  int replica(Handler<HttpServerRequest> handler) throws Exception {
    HttpServer s =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.path().equals("/health")) {
                    req.response().end();
                  } else if (req.path().equals("/metrics")) {
                    req.response().setStatusCode(404).end();
                  } else {
                    handler.handle(req);
                  }
                })
            .listen(0, "127.0.0.1")
            .await(5, TimeUnit.SECONDS);
    return s.actualPort();
  }

  /** A port nothing listens on. */
  static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  Gateway start(String yaml) throws Exception {
    GatewayConfig config =
        GatewayConfig.parse(new Node(new ObjectMapper(new YAMLFactory()).readTree(yaml), ""));
    gateway = Gateway.start(vertx, config).await(10, TimeUnit.SECONDS);
    return gateway;
  }

  /** A config with ports 0, one pool "p" serving model "m" on the given replica ports. */
  static String config(String balancer, String extra, int... ports) {
    StringBuilder replicas = new StringBuilder();
    for (int p : ports) {
      replicas.append("      - url: http://127.0.0.1:").append(p).append('\n');
    }
    return """
        listen: {data: {port: 0}, admin: {port: 0}}
        pools:
          - name: p
            models: [m]
            balancer: %s
            replicas:
        %s
        keys:
          - {key: sk-good, tenant: acme, tier: vip}
        %s
        """
        .formatted(
            balancer,
            replicas,
            // A loaded CI machine must not fail probes by their timeout and flake the tests.
            extra.contains("health:") ? extra : extra + "\nhealth: {probe_timeout_ms: 5000}");
  }

  HttpResponse<String> post(String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(int port, String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (key != null) {
      b.header("authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    if (gateway != null) {
      gateway.stop(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
