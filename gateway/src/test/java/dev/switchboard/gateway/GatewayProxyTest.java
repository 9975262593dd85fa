package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.gateway.upstream.ReplicaPool;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoBufferLeaks.class)
class GatewayProxyTest {
  private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
  private static final String COMPLETION =
      "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3,\"total_tokens\":4}}";
  private static final List<String> SSE_EVENTS =
      List.of(
          "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n",
          "data: {\"choices\":[{\"delta\":{\"content\":\" a\"}}]}\n\n",
          "data: {\"choices\":[{\"delta\":{\"content\":\" b\"}}]}\n\n",
          "data: [DONE]\n\n");

  private final GatewayHarness h = new GatewayHarness();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  private static void answer(HttpServerResponse resp) {
    resp.putHeader("content-type", "application/json").end(COMPLETION);
  }

  /** Writes the SSE events 20 ms apart, as a replica streaming tokens does. */
  private void stream(HttpServerResponse resp, List<String> events) {
    resp.putHeader("content-type", "text/event-stream").setChunked(true);
    AtomicInteger i = new AtomicInteger();
    h.vertx.setPeriodic(
        20,
        id -> {
          int k = i.getAndIncrement();
          if (k < events.size()) {
            resp.write(events.get(k));
          }
          if (k >= events.size() - 1) {
            h.vertx.cancelTimer(id);
            resp.end();
          }
        });
  }

  @Test
  void forwardsTheBodyUnchangedAndTheAnswerByteForByte() throws Exception {
    List<String> seenBodies = new CopyOnWriteArrayList<>();
    List<String> seenAuth = new CopyOnWriteArrayList<>();
    int port =
        h.replica(
            req ->
                req.body()
                    .onSuccess(
                        b -> {
                          seenBodies.add(b.toString());
                          seenAuth.add(String.valueOf(req.getHeader("authorization")));
                          answer(req.response());
                        }));
    h.start(GatewayHarness.config("round-robin", "", port));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(COMPLETION);
    assertThat(seenBodies).containsExactly(CHAT);
    assertThat(seenAuth).as("the gateway's key never reaches replicas").containsExactly("null");
  }

  @Test
  void aSizedBodyArrivingInPiecesReachesTheClientWholeAndTheConnectionStaysUsable() throws Exception {
    String first = COMPLETION.substring(0, 40);
    String rest = COMPLETION.substring(40);
    int port =
        h.replica(
            req ->
                req.body()
                    .onSuccess(
                        b -> {
                          HttpServerResponse resp = req.response();
                          resp.putHeader("content-type", "application/json")
                              .putHeader("content-length", Integer.toString(COMPLETION.length()))
                              .write(first);
                          h.vertx.setTimer(30, id -> resp.end(rest));
                        }));
    h.start(GatewayHarness.config("round-robin", "", port));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(COMPLETION.length()));
      assertThat(r.body()).isEqualTo(COMPLETION);
    }
  }

  @Test
  void streamsServerSentEventsByteForByte() throws Exception {
    int port = h.replica(req -> req.body().onSuccess(b -> stream(req.response(), SSE_EVENTS)));
    h.start(GatewayHarness.config("peak-ewma", "", port));
    HttpResponse<String> r =
        h.post("/v1/chat/completions", CHAT.replace("}]", "}],\"stream\":true"), "sk-good");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(r.body()).isEqualTo(String.join("", SSE_EVENTS));
  }

  @Test
  void retriesOnAnotherReplicaWhenOneRefusesConnections() throws Exception {
    int dead = GatewayHarness.deadPort();
    int live = h.replica(req -> req.body().onSuccess(b -> answer(req.response())));
    h.start(GatewayHarness.config("round-robin", "", dead, live));
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
      assertThat(r.statusCode()).as("request %d", i).isEqualTo(200);
    }
  }

  @Test
  void retriesA5xxThatArrivedBeforeAnyByteWasSent() throws Exception {
    AtomicInteger failures = new AtomicInteger();
    int failing =
        h.replica(
            req ->
                req.body()
                    .onSuccess(
                        b -> {
                          failures.incrementAndGet();
                          req.response().setStatusCode(500).end("{\"error\":\"boom\"}");
                        }));
    int live = h.replica(req -> req.body().onSuccess(b -> answer(req.response())));
    h.start(GatewayHarness.config("round-robin", "", failing, live));
    for (int i = 0; i < 4; i++) {
      assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);
    }
    assertThat(failures.get()).isPositive();
  }

  @Test
  void aReplicaFailingRequestsIsEjectedThenReadmittedAfterItsBackOff() throws Exception {
    AtomicInteger failingHits = new AtomicInteger();
    int failing =
        h.replica(
            req ->
                req.body()
                    .onSuccess(
                        b -> {
                          failingHits.incrementAndGet();
                          req.response().setStatusCode(500).end();
                        }));
    int live = h.replica(req -> req.body().onSuccess(b -> answer(req.response())));
    h.start(
        GatewayHarness.config(
            "round-robin",
            "health: {consecutive_failures: 2, base_ejection_ms: 400, probe_interval_ms: 50, probe_timeout_ms: 5000}",
            failing, live));
    ReplicaPool pool = h.gateway.router().poolFor("m");
    for (int i = 0; i < 6; i++) {
      assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);
    }
    assertThat(pool.replicas().get(0).replica().state()).isEqualTo(ReplicaState.EJECTED);
    int hitsWhileEjected = failingHits.get();
    for (int i = 0; i < 4; i++) {
      assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);
    }
    assertThat(failingHits.get()).as("an ejected replica gets no traffic").isEqualTo(hitsWhileEjected);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> pool.replicas().get(0).replica().state() == ReplicaState.READY);
  }

  @Test
  void aReplicaThatJoinsTakesTrafficAndOneThatLeavesGetsNoneAndLosesItsConnections() throws Exception {
    AtomicInteger firstHits = new AtomicInteger();
    AtomicInteger lateHits = new AtomicInteger();
    CompletableFuture<Void> firstConnectionClosed = new CompletableFuture<>();
    int first =
        h.replica(
            req -> {
              firstHits.incrementAndGet();
              req.connection().closeHandler(v -> firstConnectionClosed.complete(null));
              req.body().onSuccess(b -> answer(req.response()));
            });
    int late =
        h.replica(
            req -> {
              lateHits.incrementAndGet();
              req.body().onSuccess(b -> answer(req.response()));
            });
    h.start(GatewayHarness.config("round-robin", "", first));
    ReplicaPool pool = h.gateway.router().poolFor("m");
    assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);

    pool.add("late", 1.0, "127.0.0.1", late, ReplicaState.READY);
    for (int i = 0; i < 4; i++) {
      assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);
    }
    assertThat(lateHits.get()).as("round robin over both").isEqualTo(2);

    pool.group().drain(pool.group().find("127.0.0.1:" + first), "scale down");
    for (int i = 0; i < 3; i++) {
      assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);
    }
    assertThat(firstHits.get()).as("a draining replica takes nothing new").isEqualTo(3);
    assertThat(pool.group().drained()).extracting(r -> r.id()).containsExactly("127.0.0.1:" + first);

    pool.group().remove(pool.group().find("127.0.0.1:" + first), "scaled down");
    firstConnectionClosed.get(5, TimeUnit.SECONDS);
    assertThat(pool.replicas()).extracting(u -> u.id()).containsExactly("late");
  }

  @Test
  void givesUpWithA502AfterTheAttemptLimit() throws Exception {
    int a = h.replica(req -> req.body().onSuccess(b -> req.response().setStatusCode(503).end()));
    int b = h.replica(req -> req.body().onSuccess(x -> req.response().setStatusCode(503).end()));
    h.start(GatewayHarness.config("round-robin", "retries: {max_attempts: 2}", a, b));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
    // The last try's own answer goes back once no retry is left.
    assertThat(r.statusCode()).isEqualTo(503);
  }

  @Test
  void aFailureMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
    int port =
        h.replica(
            req ->
                req.body()
                    .onSuccess(
                        b -> {
                          HttpServerResponse resp = req.response();
                          resp.putHeader("content-type", "text/event-stream").setChunked(true);
                          resp.write(SSE_EVENTS.get(0));
                          h.vertx.setTimer(50, id -> req.connection().close());
                        }));
    h.start(GatewayHarness.config("round-robin", "", port));
    HttpResponse<String> r =
        h.post("/v1/chat/completions", CHAT.replace("}]", "}],\"stream\":true"), "sk-good");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).startsWith(SSE_EVENTS.get(0));
    String last = r.body().substring(SSE_EVENTS.get(0).length());
    assertThat(last).startsWith("data: {\"error\":").endsWith("\n\n");
    JsonNode err = json.readTree(last.substring("data: ".length()).trim());
    assertThat(err.at("/error/code").asText()).isEqualTo("upstream_error");
  }

  @Test
  void answersEachErrorInOpenAiShapeWithItsStatus() throws Exception {
    int port = h.replica(req -> req.body().onSuccess(b -> answer(req.response())));
    h.start(GatewayHarness.config("round-robin", "limits: {max_body_bytes: 2000}", port));
    assertError(h.post("/v1/chat/completions", "{not json", "sk-good"), 400, "invalid_json");
    assertError(h.post("/v1/chat/completions", "{\"messages\":[]}", "sk-good"), 400, null);
    assertError(h.post("/v1/chat/completions", "{\"model\":7}", "sk-good"), 400, "invalid_json");
    assertError(h.post("/v1/chat/completions", CHAT, "sk-wrong"), 401, "invalid_api_key");
    assertError(h.post("/v1/chat/completions", CHAT, null), 401, "invalid_api_key");
    assertError(h.post("/v1/chat/completions", CHAT.replace("\"m\"", "\"nope\""), "sk-good"), 404, "model_not_found");
    assertError(h.post("/v1/chat/completions", "{\"model\":\"m\",\"x\":\"" + "a".repeat(3000) + "\"}", "sk-good"), 413, "request_too_large");
    assertError(h.post("/v1/nothing", CHAT, "sk-good"), 404, "not_found");
    ReplicaPool pool = h.gateway.router().poolFor("m");
    pool.setState(pool.replicas().get(0), ReplicaState.DOWN, "test");
    assertError(h.post("/v1/chat/completions", CHAT, "sk-good"), 503, "service_unavailable");
  }

  @Test
  void aReplicaThatDoesNotAnswerInTimeGets504() throws Exception {
    int port = h.replica(req -> {});
    h.start(GatewayHarness.config("round-robin", "timeouts: {first_byte_ms: 300}", port));
    assertError(h.post("/v1/chat/completions", CHAT, "sk-good"), 504, "timeout");
  }

  @Test
  void aStreamThatFallsSilentIsEndedWithAnErrorEventAfterTheIdleTimeout() throws Exception {
    int port =
        h.replica(
            req ->
                req.body()
                    .onSuccess(
                        b ->
                            req.response()
                                .putHeader("content-type", "text/event-stream")
                                .setChunked(true)
                                .write(SSE_EVENTS.get(0))));
    h.start(GatewayHarness.config("round-robin", "timeouts: {idle_stream_ms: 300}", port));
    HttpResponse<String> r = h.post("/v1/chat/completions", CHAT.replace("}]", "}],\"stream\":true"), "sk-good");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith(SSE_EVENTS.get(0)).contains("\"error\"").contains("no data from the replica");
  }

  @Test
  void listsTheConfiguredModels() throws Exception {
    int port = h.replica(req -> answer(req.response()));
    h.start(GatewayHarness.config("round-robin", "", port));
    HttpResponse<String> r = h.get(h.gateway.port(), "/v1/models", "sk-good");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json.readTree(r.body()).at("/data/0/id").asText()).isEqualTo("m");
    assertThat(h.get(h.gateway.adminPort(), "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(h.get(h.gateway.adminPort(), "/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void stoppingLetsAStreamInFlightFinishAndRefusesNewConnections() throws Exception {
    List<String> slow =
        List.of(SSE_EVENTS.get(0), SSE_EVENTS.get(1), SSE_EVENTS.get(1), SSE_EVENTS.get(1),
            SSE_EVENTS.get(1), SSE_EVENTS.get(1), SSE_EVENTS.get(1), SSE_EVENTS.get(1), SSE_EVENTS.get(3));
    int port = h.replica(req -> req.body().onSuccess(b -> stream(req.response(), slow)));
    h.start(GatewayHarness.config("round-robin", "", port));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + "/v1/chat/completions"))
            .header("authorization", "Bearer sk-good")
            .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("}]", "}],\"stream\":true")))
            .build();
    CompletableFuture<HttpResponse<String>> inFlight = h.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    Thread.sleep(60);
    var stopping = h.gateway.stop(Duration.ofSeconds(5));
    HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(String.join("", slow));
    stopping.await(10, TimeUnit.SECONDS);
    h.gateway = null;
    var fresh = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fresh.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  private void assertError(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode err = json.readTree(r.body()).get("error");
    assertThat(err).as(r.body()).isNotNull();
    assertThat(err.get("message").asText()).isNotBlank();
    assertThat(err.has("type")).isTrue();
    assertThat(err.has("param")).isTrue();
    if (code != null) {
      assertThat(err.get("code").asText()).isEqualTo(code);
    }
  }

  @SuppressWarnings("unused")
  private static Buffer buf(String s) {
    return Buffer.buffer(s);
  }
}
