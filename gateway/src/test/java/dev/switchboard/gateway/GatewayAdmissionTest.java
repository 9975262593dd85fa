package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.Shed;
import dev.switchboard.core.event.ShedReason;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway's admission queue in front of a replica that takes one request at a time. */
@ExtendWith(NoBufferLeaks.class)
class GatewayAdmissionTest {
  private final GatewayHarness h = new GatewayHarness();
  private final ObjectMapper json = new ObjectMapper();
  /** The "user" field of each request, in the order the replica received them. */
  private final List<String> served = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  /** A replica that answers each request after {@code holdMs}, the first ("occupant") after 2 s. */
  private int slowReplica(long holdMs) throws Exception {
    return h.replica(
        req ->
            req.body()
                .onSuccess(
                    b -> {
                      bodies.add(b.toString());
                      String user = b.toJsonObject().getString("user", "");
                      served.add(user);
                      h.vertx.setTimer(
                          user.equals("occupant") ? 2000 : Math.max(1, holdMs),
                          id -> req.response().putHeader("content-type", "application/json").end("{\"ok\":true}"));
                    }));
  }

  private void start(int port, String admission) throws Exception {
    h.start(
        """
        listen: {data: {port: 0}, admin: {port: 0}}
        pools:
          - {name: p, models: [m], balancer: least-requests, replicas: [{url: "http://127.0.0.1:%d"}]}
        keys:
          - {key: sk-vip, tenant: acme, tier: vip}
          - {key: sk-free, tenant: someone, tier: free}
        health: {probe_timeout_ms: 5000}
        admission: %s
        """
            .formatted(port, admission));
  }

  private CompletableFuture<HttpResponse<String>> send(String key, String user) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(20))
            .header("authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"user\":\"" + user + "\",\"messages\":[]}"))
            .build();
    return h.http.sendAsync(r, HttpResponse.BodyHandlers.ofString());
  }

  private void awaitQueued(int n) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> h.gateway.router().poolFor("m").admission().waiting() == n);
  }

  @Test
  void theSeedsThreeRequestsComeOutVipFirst() throws Exception {
    start(slowReplica(50), "{max_in_flight: 1, aging_step_s: 60}");
    var busy = send("sk-free", "occupant");
    Awaitility.await().until(() -> served.size() == 1);
    var free1 = send("sk-free", "free_user_1");
    awaitQueued(1);
    var vip1 = send("sk-vip", "vip_user_1");
    awaitQueued(2);
    var free2 = send("sk-free", "free_user_2");
    awaitQueued(3);
    for (var f : List.of(busy, free1, vip1, free2)) {
      assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(served).containsExactly("occupant", "vip_user_1", "free_user_1", "free_user_2");
  }

  @Test
  void aVipArrivingAtAFullQueueDisplacesTheNewestFreeRequestWhichGets503WithRetryAfter() throws Exception {
    start(
        slowReplica(50),
        "{max_in_flight: 1, max_queued: 1, tiers: [{name: vip, priority: 0}, {name: free, priority: 10, queue_timeout_s: 7}]}");
    List<DecisionEvent> events = new CopyOnWriteArrayList<>();
    h.gateway.decisions().subscribe(events::add);
    var busy = send("sk-free", "occupant");
    Awaitility.await().until(() -> served.size() == 1);
    var free = send("sk-free", "free");
    awaitQueued(1);
    var vip = send("sk-vip", "vip");
    HttpResponse<String> shed = free.get(10, TimeUnit.SECONDS);
    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.headers().firstValue("retry-after")).hasValue("7");
    assertThat(json.readTree(shed.body()).at("/error/code").asText()).isEqualTo("overloaded");
    assertThat(vip.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(busy.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(served).containsExactly("occupant", "vip");
    assertThat(events)
        .filteredOn(Shed.class::isInstance)
        .singleElement()
        .satisfies(
            e -> {
              Shed s = (Shed) e;
              assertThat(s.reason()).isEqualTo(ShedReason.DISPLACED);
              assertThat(s.request().tier()).isEqualTo("free");
              assertThat(s.pool()).isEqualTo(h.gateway.router().poolFor("m").name());
            });
    assertThat(events).filteredOn(Completed.class::isInstance).hasSize(2);
  }

  @Test
  void aRequestWaitingPastItsTiersTimeoutGets503() throws Exception {
    start(
        slowReplica(50),
        "{max_in_flight: 1, tiers: [{name: vip, priority: 0}, {name: free, priority: 10, queue_timeout_s: 0.3}]}");
    var busy = send("sk-vip", "occupant");
    Awaitility.await().until(() -> served.size() == 1);
    HttpResponse<String> late = send("sk-free", "late").get(10, TimeUnit.SECONDS);
    assertThat(late.statusCode()).isEqualTo(503);
    assertThat(late.headers().firstValue("retry-after")).isPresent();
    assertThat(busy.isDone()).as("shed at its own timeout, before the occupant's slot freed").isFalse();
    assertThat(busy.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void forwardsTheTiersPriorityToTheReplicaWhenAsked() throws Exception {
    start(slowReplica(1), "{max_in_flight: 4, forward_priority: true}");
    assertThat(send("sk-free", "f").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(json.readTree(bodies.get(0)).get("priority").asInt()).isEqualTo(10);
    assertThat(json.readTree(bodies.get(0)).get("user").asText()).isEqualTo("f");
  }

  @Test
  void aKeyWhoseTierIsNotAnAdmissionTierIsAConfigError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> start(1, "{tiers: [{name: vip, priority: 0}]}"))
        .hasMessageContaining("keys[1].tier")
        .hasMessageContaining("free");
  }
}
