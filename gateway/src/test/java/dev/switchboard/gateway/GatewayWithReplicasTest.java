package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.replica.ReplicaOptions;
import dev.switchboard.replica.ReplicaServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway in front of real simulated vLLM replicas, end to end. */
@ExtendWith(NoBufferLeaks.class)
class GatewayWithReplicasTest {
  private final GatewayHarness h = new GatewayHarness();
  private final ObjectMapper json = new ObjectMapper();
  private final List<ReplicaServer> replicas = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  private int[] startReplicas(double... speeds) throws Exception {
    int[] ports = new int[speeds.length];
    for (int i = 0; i < speeds.length; i++) {
      ReplicaServer r =
          ReplicaServer.start(h.vertx, ReplicaOptions.of("m").withSpeed(speeds[i]).withSeed(i))
              .await(10, TimeUnit.SECONDS);
      replicas.add(r);
      ports[i] = r.port();
    }
    return ports;
  }

  @Test
  void streamsEveryTokenAndTheUsageChunkThroughTheGateway() throws Exception {
    h.start(GatewayHarness.config("peak-ewma", "", startReplicas(1.0, 1.0, 2.0)));
    String body =
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":12,"
            + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    HttpResponse<String> r = h.post("/v1/chat/completions", body, "sk-good");
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    for (String e : r.body().split("\n\n")) {
      assertThat(e).startsWith("data: ");
      events.add(e.substring("data: ".length()));
    }
    assertThat(events).last().isEqualTo("[DONE]");
    long content =
        events.stream()
            .filter(e -> !e.equals("[DONE]"))
            .map(this::tree)
            .filter(n -> n.at("/choices/0/delta/content").asText().startsWith(" tok"))
            .count();
    assertThat(content).isEqualTo(12);
    JsonNode usage = tree(events.get(events.size() - 2)).get("usage");
    assertThat(usage.get("completion_tokens").asInt()).isEqualTo(12);
  }

  @Test
  void theLlmAwareBalancerSeesTheReplicasLoadReports() throws Exception {
    h.start(GatewayHarness.config("llm-aware", "health: {scrape_interval_ms: 50, probe_timeout_ms: 5000}", startReplicas(1.0, 1.0)));
    // A long request keeps one replica busy; its scraped report must show it running.
    String longRequest = "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":400}";
    ReplicaPool pool = h.gateway.router().poolFor("m");
    var pending = new ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
    for (int i = 0; i < 2; i++) {
      pending.add(
          h.http.sendAsync(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + h.gateway.port() + "/v1/completions"))
                  .header("authorization", "Bearer sk-good")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(longRequest))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      // One at a time: two picks at the same instant on the gateway's two event loops could both
      // see nothing in flight and tie at random, which is not what this test is about.
      long sent = i + 1;
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> pool.replicas().stream().mapToLong(u -> u.replica().dispatchedTotal()).sum() == sent);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> pool.replicas().stream().mapToInt(u -> u.replica().load().running()).sum() == 2);
    for (var f : pending) {
      assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    // In-flight breaks the tie between equal reports, so the two went to different replicas.
    assertThat(pool.replicas().get(0).replica().dispatchedTotal()).isEqualTo(1);
    assertThat(pool.replicas().get(1).replica().dispatchedTotal()).isEqualTo(1);
  }

  @Test
  void aCrashedReplicaIsRoutedAroundWithoutAFailedRequest() throws Exception {
    int[] ports = startReplicas(1.0, 1.0);
    replicas.get(0).faults(replicas.get(0).options().faults().withCrashAfter(1)).await(5, TimeUnit.SECONDS);
    h.start(GatewayHarness.config("round-robin", "", ports));
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> r =
          h.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":2}", "sk-good");
      assertThat(r.statusCode()).as("request %d: %s", i, r.body()).isEqualTo(200);
    }
  }

  private JsonNode tree(String s) {
    try {
      return json.readTree(s);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }
}
