package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private FakeChatServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new FakeChatServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void achievesThePoissonRateItOffers() throws Exception {
    server.delayMillis = 20;
    TestRun run = new TestRun(server.url());
    run.rate = 100;
    run.requests = 200;
    // 200 Poisson arrivals span 2 s ± 7% depending on the seed; seed 8's span 1.98 s, so the
    // tolerance below measures the generator, not sampling noise.
    run.seed = 8;
    LoadgenResult r = run.run();
    assertThat(r.overall().ok()).isEqualTo(200);
    assertThat(server.requests.get()).isEqualTo(200);
    assertThat(r.offeredRate()).isEqualTo(100.0);
    assertThat(r.achievedRate()).isCloseTo(100.0, within(10.0));
    assertThat(r.sendLatenessMs().count()).isEqualTo(200);
  }

  @Test
  void sendsOnScheduleWithoutWaitingForEarlierAnswers() throws Exception {
    server.delayMillis = 300;
    TestRun run = new TestRun(server.url());
    run.rate = 200;
    run.requests = 20;
    LoadgenResult r = run.run();
    assertThat(r.overall().ok()).isEqualTo(20);
    // 20 arrivals in about 0.1 s, each answered after 0.3 s: an open loop has them all out at once.
    assertThat(server.maxInFlight.get()).isGreaterThanOrEqualTo(10);
    assertThat(r.overall().latencyMs().p50()).isGreaterThanOrEqualTo(300);
  }

  @Test
  void measuresLatencyFromTheScheduledTimeIncludingQueueingForAConnection() throws Exception {
    server.delayMillis = 50;
    TestRun run = new TestRun(server.url());
    run.rate = 100;
    run.requests = 20;
    run.connections = 1; // 20 requests/s of capacity against 100/s offered: a queue builds
    LoadgenResult r = run.run();
    assertThat(r.overall().ok()).isEqualTo(20);
    assertThat(r.overall().latencyMs().p50()).isGreaterThanOrEqualTo(50);
    // Timed from the actual send, every request would look like 50 ms; from the schedule, the
    // k-th waits behind k-1 others, so the median is several service times.
    assertThat(r.overall().latencyMs().p50()).isGreaterThan(150);
    assertThat(r.overall().latencyMs().max()).isGreaterThan(400);
  }

  @Test
  void timeToFirstTokenComesBeforeTheEndOfAStream() throws Exception {
    server.chunks = 4;
    server.chunkGapMillis = 40;
    TestRun run = new TestRun(server.url());
    run.stream = true;
    run.requests = 10;
    LoadgenResult r = run.run();
    TierResult all = r.overall();
    assertThat(all.ok()).isEqualTo(10);
    assertThat(all.tokens()).isEqualTo(40);
    assertThat(all.ttftMs().count()).isEqualTo(10);
    assertThat(all.ttftMs().p50()).isGreaterThanOrEqualTo(40);
    assertThat(all.latencyMs().p50()).isGreaterThanOrEqualTo(160);
    // Three more 40 ms gaps come after the first token; a stall in either process moves both.
    assertThat(all.latencyMs().p50() - all.ttftMs().p50()).isGreaterThan(80);
  }

  @Test
  void nonStreamedTokensComeFromUsage() throws Exception {
    server.chunks = 7;
    TestRun run = new TestRun(server.url());
    run.requests = 5;
    LoadgenResult r = run.run();
    assertThat(r.overall().tokens()).isEqualTo(35);
    assertThat(r.overall().tokensPerSecond()).isPositive();
  }

  @Test
  void countsErrorsByStatusPerTier() throws Exception {
    server.limited = Set.of("Bearer free-key");
    TestRun run = new TestRun(server.url());
    run.requests = 60;
    run.keys = List.of("vip=vip-key", "free=free-key");
    run.mix = "vip=0.5,free=0.5";
    LoadgenResult r = run.run();
    TierResult vip = r.byTier().get("vip");
    TierResult free = r.byTier().get("free");
    assertThat(vip.sent() + free.sent()).isEqualTo(60);
    assertThat(free.sent()).isPositive();
    assertThat(free.ok()).isZero();
    assertThat(free.errors()).isEqualTo(Map.of("429", free.sent()));
    assertThat(vip.ok()).isEqualTo(vip.sent());
    assertThat(vip.errors()).isEmpty();
    assertThat(r.overall().errors()).isEqualTo(Map.of("429", free.sent()));
    assertThat(r.overall().latencyMs().count()).isEqualTo(vip.ok());
  }

  @Test
  void countsConnectErrorsWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TestRun run = new TestRun("http://127.0.0.1:" + port);
    run.requests = 10;
    LoadgenResult r = run.run();
    assertThat(r.overall().sent()).isEqualTo(10);
    assertThat(r.overall().ok()).isZero();
    assertThat(r.overall().errors()).isEqualTo(Map.of("connect", 10L));
  }

  @Test
  void cancelsRequestsStillUnansweredAtTheTimeout() throws Exception {
    server.delayMillis = 5_000;
    TestRun run = new TestRun(server.url());
    run.requests = 5;
    run.timeout = Duration.ofMillis(200);
    LoadgenResult r = run.run();
    assertThat(r.overall().errors()).isEqualTo(Map.of("timeout", 5L));
    assertThat(r.elapsedSeconds()).isLessThan(4.0);
  }

  @Test
  void countsArrivalsOverTheConcurrencyLimitAsDropped() throws Exception {
    server.delayMillis = 500;
    TestRun run = new TestRun(server.url());
    run.rate = 400;
    run.requests = 20;
    run.concurrencyLimit = 3;
    LoadgenResult r = run.run();
    TierResult all = r.overall();
    assertThat(all.sent()).isEqualTo(3);
    assertThat(all.droppedByLoadgen()).isEqualTo(17);
    assertThat(r.sendLatenessMs().count()).as("only sent requests were late or not").isEqualTo(3);
    assertThat(server.requests.get()).isEqualTo(3);
  }

  @Test
  void choosesEachRequestsKeyByItsTierInTheMixesProportion() throws Exception {
    TestRun run = new TestRun(server.url());
    run.rate = 1000;
    run.requests = 400;
    run.keys = List.of("vip=k-vip", "free=k-free");
    run.mix = "vip=0.2,free=0.8";
    LoadgenResult r = run.run();
    int vip = server.authorized("Bearer k-vip");
    int free = server.authorized("Bearer k-free");
    assertThat(vip + free).isEqualTo(400);
    assertThat(vip / 400.0).isCloseTo(0.2, within(0.06));
    assertThat(r.byTier().get("vip").sent()).isEqualTo(vip);
    assertThat(server.bodies)
        .extracting(b -> b.path("user").asText())
        .allMatch(u -> u.equals("vip-0") || u.equals("free-0"));
  }

  @Test
  void oneKeyWithoutAMixSendsAllTrafficAsThatTier() throws Exception {
    TestRun run = new TestRun(server.url());
    run.keys = List.of("gold=k-gold");
    LoadgenResult r = run.run();
    assertThat(r.byTier().keySet()).containsExactly("gold");
    assertThat(server.authorized("Bearer k-gold")).isEqualTo(20);
  }

  @Test
  void sendsTheDocumentedChatCompletionBody() throws Exception {
    TestRun run = new TestRun(server.url());
    run.requests = 3;
    run.stream = true;
    run.promptTokens = 50;
    run.maxTokens = 9;
    run.run();
    assertThat(server.authorized("")).isEqualTo(3); // no --key: no Authorization header
    JsonNode body = server.bodies.peek();
    assertThat(body.path("model").asText()).isEqualTo("test-model");
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
    assertThat(body.path("messages").get(0).path("content").asText()).hasSize(200);
    assertThat(body.path("max_tokens").asInt()).isEqualTo(9);
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(body.path("user").asText()).isEqualTo("standard-0");
  }
}
