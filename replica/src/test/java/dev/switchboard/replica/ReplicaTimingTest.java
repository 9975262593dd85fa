package dev.switchboard.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Latency seen by a client follows the replica model: margins are generous, comparisons relative. */
class ReplicaTimingTest {
  private static final String MODEL = "m";
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private TestHttp replica(double speed) throws Exception {
    ReplicaServer server =
        ReplicaServer.start(vertx, ReplicaOptions.of(MODEL).withSpeed(speed)).await(5, TimeUnit.SECONDS);
    TestHttp http = new TestHttp(server.baseUrl());
    http.post("/v1/completions", request(2, false)); // warm up the connection and the code paths
    return http;
  }

  private static String request(int maxTokens, boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"prompt\":\"Say hi\",\"max_tokens\":" + maxTokens
        + ",\"stream\":" + stream + "}";
  }

  @Test
  void firstStreamedTokenArrivesAboutOnePrefillStepAfterTheRequest() throws Exception {
    TestHttp http = replica(1.0);
    // A first exchange warms the connection and the code, which a cold JVM would add to the time.
    http.post("/v1/completions", request(1, false));

    long start = System.nanoTime();
    HttpResponse<Stream<String>> response = http.client().send(
        http.postRequest("/v1/completions", request(3, true)).build(), HttpResponse.BodyHandlers.ofLines());
    String first = response.body().filter(line -> line.startsWith("data: ")).findFirst().orElseThrow();
    long ttftMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(first).contains("\" tok0\"");
    // The default step model prefills a 2-token prompt in one ~5.8 ms step: never sooner, and
    // (with a generous margin for a loaded machine) not several steps later.
    assertThat(ttftMillis).isBetween(5L, 1000L);
  }

  @Test
  void aSlowerSpeedFactorTakesLongerForTheSameRequest() throws Exception {
    TestHttp nominal = replica(1.0);
    TestHttp throttled = replica(3.0);

    long nominalNanos = timed(nominal);
    long throttledNanos = timed(throttled);

    assertThat(throttledNanos).isGreaterThan(nominalNanos);
  }

  private static long timed(TestHttp http) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = http.post("/v1/completions", request(12, false));
    long elapsed = System.nanoTime() - start;
    assertThat(response.statusCode()).isEqualTo(200);
    return elapsed;
  }
}
