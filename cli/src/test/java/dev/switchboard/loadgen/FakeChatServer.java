package dev.switchboard.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny OpenAI-style chat server on 127.0.0.1 and an ephemeral port: answers after a delay,
 * streams content chunks with gaps, answers 429 to chosen keys, and records what it saw.
 */
final class FakeChatServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  final Map<String, AtomicInteger> byAuthorization = new ConcurrentHashMap<>();
  final Queue<JsonNode> bodies = new ConcurrentLinkedQueue<>();

  /** Before the response head. */
  volatile long delayMillis;

  /** Content chunks per answer (streamed), or completion tokens (not streamed). */
  volatile int chunks = 3;

  /** Before each streamed content chunk. */
  volatile long chunkGapMillis;

  /** Authorization values answered with 429. */
  volatile Set<String> limited = Set.of();

  FakeChatServer() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  int authorized(String header) {
    AtomicInteger n = byAuthorization.get(header);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpServerRequest req) {
    String auth = req.getHeader("Authorization");
    req.body()
        .onSuccess(
            buf -> {
              requests.incrementAndGet();
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              byAuthorization
                  .computeIfAbsent(auth == null ? "" : auth, k -> new AtomicInteger())
                  .incrementAndGet();
              JsonNode body;
              try {
                body = JSON.readTree(buf.getBytes());
              } catch (IOException e) {
                req.response().setStatusCode(400).end();
                return;
              }
              bodies.add(body);
              HttpServerResponse resp = req.response();
              AtomicBoolean left = new AtomicBoolean();
              resp.closeHandler(v -> leave(left));
              resp.endHandler(v -> leave(left));
              after(delayMillis, () -> answer(resp, auth, body));
            });
  }

  private void leave(AtomicBoolean left) {
    if (left.compareAndSet(false, true)) {
      inFlight.decrementAndGet();
    }
  }

  private void answer(HttpServerResponse resp, String auth, JsonNode body) {
    if (resp.closed()) {
      return;
    }
    if (auth != null && limited.contains(auth)) {
      resp.setStatusCode(429)
          .putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"rate limited\"}}");
      return;
    }
    if (body.path("stream").asBoolean(false)) {
      resp.setChunked(true).putHeader("content-type", "text/event-stream");
      resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n");
      stream(resp, chunks);
      return;
    }
    resp.putHeader("content-type", "application/json")
        .end(
            "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],"
                + "\"usage\":{\"completion_tokens\":"
                + chunks
                + "}}");
  }

  private void stream(HttpServerResponse resp, int left) {
    after(
        chunkGapMillis,
        () -> {
          if (resp.closed()) {
            return;
          }
          if (left == 0) {
            resp.write("data: {\"choices\":[],\"usage\":{\"completion_tokens\":" + chunks + "}}\n\n");
            resp.end("data: [DONE]\n\n");
            return;
          }
          resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok\"}}]}\n\n");
          stream(resp, left - 1);
        });
  }

  private void after(long millis, Runnable r) {
    if (millis <= 0) {
      r.run();
    } else {
      vertx.setTimer(millis, id -> r.run());
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
