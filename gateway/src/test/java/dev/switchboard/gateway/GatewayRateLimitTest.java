package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.RateLimited;
import dev.switchboard.gateway.ratelimit.RedisServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rate limits as clients see them: 429s, OpenAI's headers, token correction, shared limits. */
@ExtendWith(NoBufferLeaks.class)
class GatewayRateLimitTest {
  @RegisterExtension final RedisServer redis = new RedisServer();

  private final GatewayHarness h = new GatewayHarness();
  private final List<GatewayHarness> more = new ArrayList<>();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() throws Exception {
    h.close();
    for (GatewayHarness g : more) {
      g.close();
    }
  }

  /** A replica answering with the given usage, streamed with a final usage chunk when asked. */
  private int replica(GatewayHarness on, int completionTokens) throws Exception {
    String usage = "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + completionTokens + ",\"total_tokens\":" + (5 + completionTokens) + "}";
    return on.replica(
        req ->
            req.body()
                .onSuccess(
                    b -> {
                      if (b.toString().contains("\"stream\":true")) {
                        req.response()
                            .putHeader("content-type", "text/event-stream")
                            .end("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
                                + "data: {\"choices\":[]," + usage + "}\n\ndata: [DONE]\n\n");
                      } else {
                        req.response().putHeader("content-type", "application/json").end("{\"choices\":[]," + usage + "}");
                      }
                    }));
  }

  private static String chat(int maxTokens, boolean stream) {
    return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":" + maxTokens
        + (stream ? ",\"stream\":true" : "") + "}";
  }

  @Test
  void theRequestLimitAnswers429WithOpenAisHeaders() throws Exception {
    h.start(GatewayHarness.config("round-robin", "ratelimit: {requests_per_minute: 3}", replica(h, 1)));
    List<DecisionEvent> events = new CopyOnWriteArrayList<>();
    h.gateway.decisions().subscribe(events::add);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> ok = h.post("/v1/chat/completions", chat(5, false), "sk-good");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
      assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(Integer.toString(2 - i));
      assertThat(ok.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
    }
    HttpResponse<String> limited = h.post("/v1/chat/completions", chat(5, false), "sk-good");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after").map(Long::parseLong)).hasValueSatisfying(s -> assertThat(s).isBetween(1L, 20L));
    assertThat(limited.headers().firstValue("retry-after-ms")).isPresent();
    assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    var err = json.readTree(limited.body()).get("error");
    assertThat(err.get("type").asText()).isEqualTo("requests");
    assertThat(err.get("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(events)
        .filteredOn(RateLimited.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((RateLimited) e).byTokens()).isFalse());
  }

  @Test
  void reservedTokensAreCorrectedFromTheReportedUsageAlsoInAStream() throws Exception {
    // 1000 tokens a minute; each request reserves ~600 but uses 15.
    h.start(GatewayHarness.config("round-robin", "ratelimit: {tokens_per_minute: 1000}", replica(h, 10)));
    for (boolean stream : new boolean[] {false, true, false, true}) {
      HttpResponse<String> r = h.post("/v1/chat/completions", chat(600, stream), "sk-good");
      assertThat(r.statusCode()).as("stream=%s: %s", stream, r.body()).isEqualTo(200);
    }
    HttpResponse<String> last = h.post("/v1/chat/completions", chat(5, false), "sk-good");
    long remaining = Long.parseLong(last.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    assertThat(remaining).as("4 requests x 15 tokens used, plus this one's reservation").isGreaterThan(800);
  }

  @Test
  void aRequestLargerThanTheTokenLimitIsRefusedNamingMaxTokens() throws Exception {
    h.start(GatewayHarness.config("round-robin", "ratelimit: {tokens_per_minute: 100}", replica(h, 1)));
    HttpResponse<String> r = h.post("/v1/chat/completions", chat(5000, false), "sk-good");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(json.readTree(r.body()).at("/error/param").asText()).isEqualTo("max_tokens");
  }

  @Test
  void threeGatewaysSharingRedisAdmitExactlyTheLimitBetweenThem() throws Exception {
    String limits =
        "ratelimit: {requests_per_minute: 10, redis: {uri: \"" + redis.uri() + "\", peers: 3, timeout_ms: 2000}}";
    List<GatewayHarness> gateways = new ArrayList<>(List.of(h));
    for (int i = 0; i < 2; i++) {
      GatewayHarness g = new GatewayHarness();
      more.add(g);
      gateways.add(g);
    }
    for (GatewayHarness g : gateways) {
      g.start(GatewayHarness.config("round-robin", limits, replica(g, 1)));
    }
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      int status = gateways.get(i % 3).post("/v1/chat/completions", chat(5, false), "sk-good").statusCode();
      if (status == 200) {
        ok++;
      } else if (status == 429) {
        limited++;
      }
    }
    assertThat(ok).isEqualTo(10);
    assertThat(limited).isEqualTo(20);
  }

  @Test
  void withRedisDownFailOpenAdmitsAtTheLocalShareAndRecovers() throws Exception {
    h.start(
        GatewayHarness.config(
            "round-robin",
            "ratelimit: {requests_per_minute: 9, redis: {uri: \"" + redis.uri() + "\", peers: 3, on_outage: fail-open, timeout_ms: 200}}",
            replica(h, 1)));
    assertThat(h.post("/v1/chat/completions", chat(5, false), "sk-good").statusCode()).isEqualTo(200);
    redis.kill();
    int ok = 0;
    for (int i = 0; i < 6; i++) {
      if (h.post("/v1/chat/completions", chat(5, false), "sk-good").statusCode() == 200) {
        ok++;
      }
    }
    assertThat(ok).as("9 a minute over 3 peers: 3 on this gateway alone").isEqualTo(3);
    String admin = h.get(h.gateway.adminPort(), "/admin/replicas", null).body();
    assertThat(json.readTree(admin).at("/ratelimit/redis_available").asBoolean()).isFalse();
    assertThat(json.readTree(admin).at("/ratelimit/decisions_without_redis").asLong()).isPositive();
    redis.start();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(300))
        .until(() -> h.post("/v1/chat/completions", chat(5, false), "sk-good").statusCode() == 200);
  }

  @Test
  void withRedisDownFailClosedAnswers503() throws Exception {
    h.start(
        GatewayHarness.config(
            "round-robin",
            "ratelimit: {requests_per_minute: 9, redis: {uri: \"" + redis.uri() + "\", on_outage: fail-closed, timeout_ms: 200}}",
            replica(h, 1)));
    redis.kill();
    HttpResponse<String> r = h.post("/v1/chat/completions", chat(5, false), "sk-good");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).isPresent();
    TimeUnit.MILLISECONDS.sleep(1);
  }
}
