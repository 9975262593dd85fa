package dev.switchboard.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaMetricsEndpointTest {
  private static final String MODEL = "metrics-model";
  private Vertx vertx;
  private TestHttp http;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ReplicaServer server = ReplicaServer.start(vertx, ReplicaOptions.of(MODEL)).await(5, TimeUnit.SECONDS);
    http = new TestHttp(server.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private double value(String metrics, String name) {
    String series = Pattern.quote(name + "{model_name=\"" + MODEL + "\"}");
    Matcher m = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
    assertThat(m.find()).as(name + " in\n" + metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = http.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void exposesVllmNamesWithTheModelLabel() throws Exception {
    http.post("/v1/completions", "{\"prompt\":\"abcdefgh\",\"max_tokens\":3}");

    String metrics = scrape();

    assertThat(metrics)
        .contains("# TYPE vllm:num_requests_running gauge")
        .contains("# TYPE vllm:num_requests_waiting gauge")
        .contains("# TYPE vllm:kv_cache_usage_perc gauge")
        .contains("# TYPE vllm:prompt_tokens_total counter")
        .contains("# TYPE vllm:time_to_first_token_seconds histogram")
        .contains("vllm:inter_token_latency_seconds_bucket{model_name=\"" + MODEL + "\",le=\"0.01\"}")
        .contains("vllm:e2e_request_latency_seconds_bucket{model_name=\"" + MODEL + "\",le=\"7680.0\"}")
        .contains("vllm:time_to_first_token_seconds_bucket{model_name=\"" + MODEL + "\",le=\"2560.0\"}");
    assertThat(value(metrics, "vllm:prompt_tokens_total")).isEqualTo(2.0);
    assertThat(value(metrics, "vllm:generation_tokens_total")).isEqualTo(3.0);
    assertThat(value(metrics, "vllm:request_success_total")).isEqualTo(1.0);
    assertThat(value(metrics, "vllm:time_to_first_token_seconds_count")).isEqualTo(1.0);
    assertThat(value(metrics, "vllm:inter_token_latency_seconds_count")).isEqualTo(2.0);
    assertThat(value(metrics, "vllm:e2e_request_latency_seconds_count")).isEqualTo(1.0);
  }

  @Test
  void gaugesShowALongRequestWhileItRunsAndNotAfter() throws Exception {
    // ~200 decode steps of ~5.8 ms: over a second in flight.
    CompletableFuture<HttpResponse<String>> response = http.client().sendAsync(
        http.postRequest("/v1/completions", "{\"prompt\":\"abcdefgh\",\"max_tokens\":200}").build(),
        HttpResponse.BodyHandlers.ofString());

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
      String metrics = scrape();
      assertThat(value(metrics, "vllm:num_requests_running")).isEqualTo(1.0);
      assertThat(value(metrics, "vllm:num_requests_waiting")).isEqualTo(0.0);
      assertThat(value(metrics, "vllm:kv_cache_usage_perc")).isBetween(1e-9, 1.0);
    });

    assertThat(response.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    String after = scrape();
    assertThat(value(after, "vllm:num_requests_running")).isEqualTo(0.0);
    assertThat(value(after, "vllm:generation_tokens_total")).isEqualTo(200.0);
  }

  @Test
  void aClientThatLeavesMidStreamDoesNotStopTheModelFromFinishing() throws Exception {
    HttpResponse<InputStream> response = http.client().send(
        http.postRequest("/v1/completions", "{\"prompt\":\"abcdefgh\",\"max_tokens\":60,\"stream\":true}").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertThat(lines.readLine()).startsWith("data: ");
    }

    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
      String metrics = scrape();
      assertThat(value(metrics, "vllm:request_success_total")).isEqualTo(1.0);
      assertThat(value(metrics, "vllm:generation_tokens_total")).isEqualTo(60.0);
    });
    assertThat(http.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":2}").statusCode()).isEqualTo(200);
  }
}
