package dev.switchboard.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.Clock;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.config.GatewayConfig.HealthConfig;
import dev.switchboard.gateway.proxy.ReplicaFetcher;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
  private static final int FAILURES = 3;
  private static final String METRICS =
      """
      # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
      # TYPE vllm:num_requests_waiting gauge
      vllm:num_requests_waiting{model_name="m"} 4.0
      vllm:num_requests_running{model_name="m"} 9.0
      vllm:kv_cache_usage_perc{model_name="m"} 0.625
      """;

  private Vertx vertx;
  private ReplicaFetcher fetcher;
  private FakeReplica fake;
  private HealthMonitor monitor;

  @BeforeEach
  void startReplica() throws Exception {
    vertx = Vertx.vertx();
    fetcher = ReplicaFetcher.standalone(1);
    fake = FakeReplica.start(vertx);
    fake.metrics = METRICS;
  }

  @AfterEach
  void stopAll() throws Exception {
    if (monitor != null) {
      monitor.stop();
    }
    fetcher.close();
    fake.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReplicaFailingItsProbeGoesDownAndComesBackReadyWhenItPassesAgain() {
    HealthConfig config = health(Duration.ofSeconds(5), 50);
    ReplicaPool pool = pool(1, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config);
    waitUntilProbed(2);

    fake.health = FakeReplica.Health.UNHEALTHY;
    poll().until(() -> r0.replica().state() == ReplicaState.DOWN);
    assertThat(pool.routable().isEmpty()).isTrue();

    fake.health = FakeReplica.Health.HEALTHY;
    poll().until(() -> r0.replica().state() == ReplicaState.READY);
    assertThat(pool.routable().asList()).containsExactly(r0.replica());
  }

  @Test
  void aProbeSlowerThanTheTimeoutCountsAsAFailure() {
    HealthConfig config = health(Duration.ofSeconds(5), 50);
    ReplicaPool pool = pool(1, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    fake.health = FakeReplica.Health.SLOW; // answers after 5 s, the timeout is 100 ms
    monitor = start(pool, config);

    poll().until(() -> r0.replica().state() == ReplicaState.DOWN);

    fake.health = FakeReplica.Health.HEALTHY;
    poll().until(() -> r0.replica().state() == ReplicaState.READY);
  }

  @Test
  void consecutiveFailuresEjectAReplicaUntilItsEjectionTimeIsOver() {
    HealthConfig config = health(Duration.ofMillis(200), 0);
    ReplicaPool pool = pool(2, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config);
    waitUntilProbed(2);

    for (int i = 0; i < FAILURES - 1; i++) {
      pool.outcomes().onFailure(r0);
    }
    assertThat(r0.replica().state()).isEqualTo(ReplicaState.READY);

    pool.outcomes().onFailure(r0);
    assertThat(r0.replica().state()).isEqualTo(ReplicaState.EJECTED);
    assertThat(pool.routable().asList()).containsExactly(pool.replicas().get(1).replica());

    poll().until(() -> r0.replica().state() == ReplicaState.READY);
    assertThat(pool.routable().size()).isEqualTo(2);
  }

  @Test
  void aSuccessBetweenFailuresKeepsTheReplicaIn() {
    HealthConfig config = health(Duration.ofSeconds(5), 0);
    ReplicaPool pool = pool(2, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config);

    for (int i = 0; i < FAILURES - 1; i++) {
      pool.outcomes().onFailure(r0);
    }
    pool.outcomes().onSuccess(r0);
    pool.outcomes().onFailure(r0);

    assertThat(r0.replica().state()).isEqualTo(ReplicaState.READY);
  }

  @Test
  void anEjectedReplicaStaysEjectedWhileItsProbesPass() {
    HealthConfig config = health(Duration.ofSeconds(30), 0);
    ReplicaPool pool = pool(2, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config);
    eject(pool, r0);

    int probesBefore = fake.healthRequests.get();
    poll().until(() -> fake.healthRequests.get() >= probesBefore + 10);

    assertThat(r0.replica().state()).isEqualTo(ReplicaState.EJECTED);
  }

  @Test
  void aReplicaWhoseProbesFailWhileEjectedComesBackDown() {
    HealthConfig config = health(Duration.ofMillis(200), 0);
    ReplicaPool pool = pool(2, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config);
    eject(pool, r0);
    fake.health = FakeReplica.Health.UNHEALTHY;

    poll().until(() -> r0.replica().state() == ReplicaState.DOWN);

    fake.health = FakeReplica.Health.HEALTHY;
    poll().until(() -> r0.replica().state() == ReplicaState.READY);
  }

  @Test
  void theEjectionCapKeepsAPoolOfOneServing() {
    HealthConfig config = health(Duration.ofMillis(200), 0);
    ReplicaPool pool = pool(1, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config); // caps ejections at 50%

    for (int i = 0; i < FAILURES * 3; i++) {
      pool.outcomes().onFailure(r0);
    }

    assertThat(r0.replica().state()).isEqualTo(ReplicaState.READY);
  }

  @Test
  void scrapedMetricsLandInTheReplicasLoad() {
    HealthConfig config = health(Duration.ofSeconds(5), 20);
    ReplicaPool pool = pool(1, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    monitor = start(pool, config);

    poll().until(() -> r0.replica().load().isKnown());

    LoadReport load = r0.replica().load();
    assertThat(load.waiting()).isEqualTo(4);
    assertThat(load.running()).isEqualTo(9);
    assertThat(load.kvCacheUsage()).isEqualTo(0.625);
  }

  @Test
  void aSlowScrapeIsSkippedNotPiledOn() {
    HealthConfig config = health(Duration.ofSeconds(5), 5);
    ReplicaPool pool = pool(1, config);
    // Far longer than the 5 ms scrape interval, yet within the 100 ms timeout: every scrape
    // completes, so any overlap seen by the server would be a pile-up.
    fake.metricsDelayMillis = 60;
    monitor = start(pool, config);

    poll().until(() -> fake.metricsRequests.get() >= 3);

    assertThat(fake.maxConcurrentMetrics.get()).isEqualTo(1);
  }

  @Test
  void aFailingScrapeIsNotAHealthSignal() {
    HealthConfig config = health(Duration.ofSeconds(5), 5);
    ReplicaPool pool = pool(1, config);
    UpstreamReplica r0 = pool.replicas().get(0);
    fake.metricsStatus = 500;
    monitor = start(pool, config);

    poll().until(() -> fake.metricsRequests.get() >= 10);

    assertThat(r0.replica().state()).isEqualTo(ReplicaState.READY);
    assertThat(r0.replica().load().isKnown()).isFalse();
  }

  @Test
  void nothingIsScrapedWhenTheScrapeIntervalIsZero() {
    HealthConfig config = health(Duration.ofSeconds(5), 0);
    ReplicaPool pool = pool(1, config);
    monitor = start(pool, config);

    waitUntilProbed(5);

    assertThat(fake.metricsRequests.get()).isZero();
  }

  @Test
  void afterStopNoMoreProbesOrScrapesAreSent() throws Exception {
    HealthConfig config = health(Duration.ofSeconds(5), 10);
    ReplicaPool pool = pool(1, config);
    HealthMonitor stopped = start(pool, config);
    waitUntilProbed(2);

    stopped.stop();

    // A request already on the wire may still arrive; after that, nothing more.
    int probes = fake.healthRequests.get();
    int scrapes = fake.metricsRequests.get();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                fake.healthRequests.get() <= probes + 1
                    && fake.metricsRequests.get() <= scrapes + 1);
  }

  @Test
  void outcomesOfAReplicaFromAnotherPoolChangeNothing() {
    HealthConfig config = health(Duration.ofSeconds(5), 0);
    ReplicaPool pool = pool(1, config);
    monitor = start(pool, config);
    UpstreamReplica stranger = pool(1, config).replicas().get(0);

    for (int i = 0; i < FAILURES; i++) {
      pool.health().onFailure(stranger.replica());
    }

    assertThat(stranger.replica().state()).isEqualTo(ReplicaState.READY);
  }

  private static void eject(ReplicaPool pool, UpstreamReplica replica) {
    for (int i = 0; i < FAILURES; i++) {
      pool.outcomes().onFailure(replica);
    }
    assertThat(replica.replica().state()).isEqualTo(ReplicaState.EJECTED);
  }

  private void waitUntilProbed(int times) {
    poll().until(() -> fake.healthRequests.get() >= times);
  }

  private HealthMonitor start(ReplicaPool pool, HealthConfig config) {
    HealthMonitor m = new HealthMonitor(fetcher, pool, config, Clock.system());
    m.start();
    return m;
  }

  /** Replicas r0, r1, ... all served by the one fake; each is tracked on its own all the same. */
  private ReplicaPool pool(int size, HealthConfig config) {
    List<GatewayConfig.Upstream> upstreams = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      upstreams.add(new GatewayConfig.Upstream("r" + i, "127.0.0.1", fake.port(), 1.0));
    }
    return new ReplicaPool(
        new GatewayConfig.PoolConfig("p", List.of("m"), "round-robin", upstreams),
        BalancerOptions.DEFAULTS,
        Duration.ofSeconds(10),
        HealthMonitor.policy(config),
        null,
        Clock.system(),
        new Decisions());
  }

  /** Probes every 20 ms with a 100 ms timeout; ejections after 3 failures, at most half the pool. */
  private static HealthConfig health(Duration baseEjection, long scrapeMillis) {
    return new HealthConfig(
        Duration.ofMillis(20),
        Duration.ofMillis(100),
        Duration.ofMillis(scrapeMillis),
        FAILURES,
        baseEjection,
        baseEjection.multipliedBy(8),
        50);
  }

  private static ConditionFactory poll() {
    return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10));
  }
}
