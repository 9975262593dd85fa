package dev.switchboard.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "m";
  private static final String REQUEST = "{\"model\":\"m\",\"prompt\":\"hello\",\"max_tokens\":2}";

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private ReplicaServer start(Faults faults, long seed) throws Exception {
    return ReplicaServer.start(vertx, ReplicaOptions.of(MODEL).withFaults(faults).withSeed(seed))
        .await(5, TimeUnit.SECONDS);
  }

  @Test
  void errorRateOneAnswersEveryCompletion500WithAnOpenAiErrorButStaysHealthy() throws Exception {
    TestHttp http = new TestHttp(start(Faults.NONE.withErrorRate(1.0), 0).baseUrl());

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = http.post("/v1/completions", REQUEST);
      assertThat(response.statusCode()).isEqualTo(500);
      JsonNode error = JSON.readTree(response.body()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("InternalServerError");
      assertThat(error.get("code").asInt()).isEqualTo(500);
    }
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void theSameSeedFailsTheSameRequests() throws Exception {
    Faults half = Faults.NONE.withErrorRate(0.5);
    List<Integer> first = statuses(new TestHttp(start(half, 42).baseUrl()), 16);
    List<Integer> second = statuses(new TestHttp(start(half, 42).baseUrl()), 16);

    assertThat(first).isEqualTo(second).contains(200, 500);
  }

  private static List<Integer> statuses(TestHttp http, int n) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      statuses.add(http.post("/v1/completions", REQUEST).statusCode());
    }
    return statuses;
  }

  @Test
  void aSpikeDelaysTheAnswerByAtLeastItsLength() throws Exception {
    TestHttp http = new TestHttp(start(Faults.NONE.withSpikes(1.0, 250), 0).baseUrl());

    long start = System.nanoTime();
    HttpResponse<String> response = http.post("/v1/completions", REQUEST);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(250);
  }

  @Test
  void crashAfterTwoRefusesTheThirdRequestAndHealth() throws Exception {
    TestHttp http = new TestHttp(start(Faults.NONE.withCrashAfter(2), 0).baseUrl());

    assertThat(http.post("/v1/completions", REQUEST).statusCode()).isEqualTo(200);
    assertThat(http.post("/v1/completions", REQUEST).statusCode()).isEqualTo(200);

    assertThatThrownBy(() -> http.post("/v1/completions", REQUEST)).isInstanceOf(IOException.class);
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThatThrownBy(() -> http.get("/health", Duration.ofMillis(500))).isInstanceOf(ConnectException.class));
  }

  @Test
  void aStalledReplicaAcceptsConnectionsButNeverAnswersHealth() throws Exception {
    TestHttp http = new TestHttp(start(Faults.NONE.withStall(true), 0).baseUrl());

    assertThatThrownBy(() -> http.get("/health", Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
    HttpRequest completion = http.postRequest("/v1/completions", REQUEST).timeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> http.send(completion)).isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void liftingAStallAnswersTheRequestsItHeld() throws Exception {
    ReplicaServer server = start(Faults.NONE.withStall(true), 0);
    TestHttp http = new TestHttp(server.baseUrl());
    CompletableFuture<HttpResponse<String>> held = http.client()
        .sendAsync(http.postRequest("/v1/completions", REQUEST).build(), HttpResponse.BodyHandlers.ofString());

    Thread.sleep(200);
    assertThat(held).isNotDone();
    server.faults(Faults.NONE).await(5, TimeUnit.SECONDS);

    assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }
}
