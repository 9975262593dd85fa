package dev.switchboard.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.Failed;
import dev.switchboard.core.event.FirstByte;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.health.OutlierPolicy;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.core.ratelimit.Reservation;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.core.retry.RetryRule;
import dev.switchboard.gateway.NoBufferLeaks;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.ClientRequest;
import dev.switchboard.gateway.http.ClientRequestParser;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.openai.OpenAiError;
import dev.switchboard.gateway.openai.RequestFields;
import dev.switchboard.gateway.upstream.Outcomes;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request across its tries, without sockets: replicas are connections in embedded channels, the
 * client a recording {@link ClientAnswer}, time a {@link ManualClock}. Which replica the balancer
 * picks first is left to it; each test answers from whichever was asked.
 */
@ExtendWith(NoBufferLeaks.class)
class ExchangeTest {
  private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
  private static final String COMPLETION = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}";
  private static final String SSE_HEAD =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  private static final String TOKEN = "data: {\"choices\":[{\"delta\":{\"content\":\" a\"}}]}\n\n";
  private static final long FIRST_BYTE_MS = 300;
  private static final long IDLE_MS = 1000;

  private final ManualClock clock = new ManualClock();
  /** The event loop the replicas' connections belong to. */
  private final EmbeddedChannel loop = new EmbeddedChannel();
  private final TimeoutSweeper timeouts = new TimeoutSweeper(FIRST_BYTE_MS, IDLE_MS);
  private final ReplicaPool pool =
      new ReplicaPool(
          new GatewayConfig.PoolConfig(
              "p", List.of("m"), "round-robin",
              List.of(
                  new GatewayConfig.Upstream("r0", "10.0.0.1", 8000, 1.0),
                  new GatewayConfig.Upstream("r1", "10.0.0.2", 8000, 1.0))),
          BalancerOptions.DEFAULTS,
          Duration.ofSeconds(10),
          new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(60), 50),
          null,
          clock,
          new Decisions());
  private final List<FakeReplica> replicas = new ArrayList<>();
  private final List<String> outcomes = new ArrayList<>();
  /** The decision events the exchange published, each as a short line (see {@link #line}). */
  private final List<String> events = new ArrayList<>();
  private final Decisions decisions = new Decisions();
  private final RecordedAnswer client = new RecordedAnswer();
  /** Ten retries to spend and no refill, so what a request took shows. */
  private final RetryBudget budget = new RetryBudget(clock, 100, 0);
  private ByteBuf body;
  private Exchange exchange;

  ExchangeTest() {
    for (UpstreamReplica u : pool.replicas()) {
      replicas.add(new FakeReplica(u));
    }
    budget.onRequests(10);
    decisions.subscribe(e -> events.add(line(e)));
    pool.setOutcomes(
        new Outcomes() {
          @Override
          public void onSuccess(UpstreamReplica replica) {
            outcomes.add("success " + replica.id());
          }

          @Override
          public void onFailure(UpstreamReplica replica) {
            outcomes.add("failure " + replica.id());
          }
        });
  }

  @AfterEach
  void close() {
    for (FakeReplica r : replicas) {
      r.close();
    }
    loop.finishAndReleaseAll();
  }

  // --- Retries before the answer ---

  @Test
  void aFiveHundredBeforeTheBodyIsRetriedOnAnotherReplica() throws Exception {
    start(3);
    FakeReplica first = asked();
    assertThat(first.request())
        .startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
        .contains("\r\nhost: " + first.upstream.hostHeader() + "\r\n", "\r\ncontent-length: " + CHAT.length() + "\r\n")
        .endsWith("\r\n\r\n" + CHAT);

    first.answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");

    assertThat(client.status).as("nothing reached the client").isNull();
    assertThat(first.channel().isActive()).as("the answer dropped, its connection closed").isFalse();
    FakeReplica second = asked();
    assertThat(second).isNotSameAs(first);
    second.answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + COMPLETION.length()
        + "\r\n\r\n" + COMPLETION);

    assertThat(client.status).isEqualTo(200);
    assertThat(client.body.toString()).isEqualTo(COMPLETION);
    assertThat(client.ended).isTrue();
    assertThat(outcomes).containsExactly("failure " + first.id(), "success " + second.id());
    assertThat(budget.available()).as("one retry spent").isEqualTo(9);
    assertThat(events)
        .containsExactly(
            "dispatched " + first.id() + " try 1",
            "retried from " + first.id() + " SERVER_ERROR try 2",
            "dispatched " + second.id() + " try 2",
            "first byte " + second.id(),
            "completed " + second.id() + " 200 after 2 tries");
    assertNothingHeld();
  }

  @Test
  void aFiveHundredWithNoRetryLeftGoesToTheClientAsItCame() throws Exception {
    start(1);
    FakeReplica first = asked();

    first.answer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");

    assertThat(client.status).isEqualTo(503);
    assertThat(client.body.toString()).isEqualTo("busy");
    assertThat(client.error).isNull();
    assertThat(other(first).asked()).isFalse();
    assertThat(outcomes).containsExactly("failure " + first.id());
    assertThat(events).last().isEqualTo("failed at " + first.id() + " SERVER_ERROR after 1 tries");
    assertNothingHeld();
  }

  @Test
  void aResetBeforeAnyByteIsRetriedOnAnotherReplica() throws Exception {
    start(3);
    FakeReplica first = asked();

    first.reset();

    FakeReplica second = asked();
    assertThat(second).isNotSameAs(first);
    second.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertThat(client.status).isEqualTo(200);
    assertThat(client.body.toString()).isEqualTo("ok");
    assertThat(outcomes).containsExactly("failure " + first.id(), "success " + second.id());
    assertNothingHeld();
  }

  @Test
  void replicasThatCannotBeReachedAreEachTriedOnceThenTheClientGets502() throws Exception {
    for (FakeReplica r : replicas) {
      r.refuse();
    }
    start(2);

    assertThat(client.error).isEqualTo(OpenAiError.UPSTREAM_FAILED);
    assertThat(client.errorMessage).contains("Could not get an answer from a replica", "shutting down");
    assertThat(outcomes).containsExactlyInAnyOrder("failure r0", "failure r1");
    assertNothingHeld();
  }

  @Test
  void whenEveryReplicaFailedWithTriesLeftTheClientGets503() throws Exception {
    for (FakeReplica r : replicas) {
      r.refuse();
    }
    start(3);

    assertThat(client.error).isEqualTo(OpenAiError.NO_REPLICA);
    assertThat(client.errorMessage).contains("Every replica tried for model `m` failed.");
    assertThat(budget.available()).as("two retries, the second finding no replica left").isEqualTo(8);
    assertThat(events).filteredOn(e -> e.startsWith("retried")).extracting(e -> e.split(" ")[3]).containsOnly("CONNECTION");
    assertThat(events).last().asString().startsWith("failed at r").endsWith("NO_REPLICA after 2 tries");
    assertNothingHeld();
  }

  @Test
  void aTimeoutBeforeTheFirstByteIsNotRetried() throws Exception {
    start(3);
    FakeReplica first = asked();

    clock.advanceNanos((FIRST_BYTE_MS - 1) * 1_000_000L);
    timeouts.sweep(clock.nanoTime());
    assertThat(client.error).isNull();
    clock.advanceNanos(2_000_000L);
    timeouts.sweep(clock.nanoTime());

    assertThat(client.error).isEqualTo(OpenAiError.TIMEOUT);
    assertThat(client.errorMessage).contains("within " + FIRST_BYTE_MS + " ms");
    assertThat(other(first).asked()).as("another would likely wait as long").isFalse();
    assertThat(first.channel().isActive()).isFalse();
    assertThat(budget.available()).isEqualTo(10);
    assertThat(outcomes).containsExactly("failure " + first.id());
    assertThat(events).containsExactly("dispatched " + first.id() + " try 1", "failed at " + first.id() + " TIMEOUT after 1 tries");
    assertNothingHeld();
  }

  @Test
  void aSpentRetryBudgetGivesUpWith502() throws Exception {
    while (budget.tryRetry()) {
      // Spend it all.
    }
    start(3);
    FakeReplica first = asked();

    first.reset();

    assertThat(client.error).isEqualTo(OpenAiError.UPSTREAM_FAILED);
    assertThat(client.errorMessage).contains("Connection reset by peer");
    assertThat(other(first).asked()).isFalse();
    assertNothingHeld();
  }

  // --- Failures once the answer has begun ---

  @Test
  void aStreamThatFailsMidwayEndsWithAnSseErrorEvent() throws Exception {
    start(3);
    FakeReplica first = asked();
    first.answer(SSE_HEAD + chunk(TOKEN));
    assertThat(client.body.toString()).isEqualTo(TOKEN);

    first.reset();

    assertThat(client.sseError)
        .startsWith("data: {\"error\":")
        .contains("The replica failed mid-stream: Connection reset by peer", "upstream_error")
        .endsWith("\n\n");
    assertThat(client.aborted).isFalse();
    assertThat(other(first).asked()).as("bytes went out: never retried").isFalse();
    assertThat(outcomes).containsExactly("failure " + first.id());
    assertThat(events)
        .containsExactly(
            "dispatched " + first.id() + " try 1",
            "first byte " + first.id(),
            "failed at " + first.id() + " MID_ANSWER after 1 tries");
    assertNothingHeld();
  }

  @Test
  void aStreamThatFallsSilentEndsWithAnSseErrorEvent() throws Exception {
    start(3);
    FakeReplica first = asked();
    first.answer(SSE_HEAD + chunk(TOKEN));

    clock.advanceNanos((IDLE_MS + 1) * 1_000_000L);
    timeouts.sweep(clock.nanoTime());

    assertThat(client.sseError).contains("no data from the replica for " + IDLE_MS + " ms");
    assertThat(first.channel().isActive()).isFalse();
    assertNothingHeld();
  }

  @Test
  void aPlainAnswerThatFailsMidwayIsCutShort() throws Exception {
    start(3);
    FakeReplica first = asked();
    first.answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":");

    first.reset();

    assertThat(client.aborted).as("closed before the declared length, so the client sees the cut").isTrue();
    assertThat(client.sseError).isNull();
    assertThat(client.ended).isFalse();
    assertThat(other(first).asked()).isFalse();
    assertNothingHeld();
  }

  // --- The client ---

  @Test
  void aSlowClientPausesReadingFromTheReplicaUntilItCanTakeMore() throws Exception {
    start(3);
    FakeReplica first = asked();
    client.writable = false;

    first.answer(SSE_HEAD + chunk(TOKEN));
    assertThat(first.channel().config().isAutoRead()).isFalse();

    client.writable = true;
    exchange.onClientWritable();
    assertThat(first.channel().config().isAutoRead()).isTrue();
    first.answer(chunk(TOKEN) + "0\r\n\r\n");
    assertThat(client.body.toString()).isEqualTo(TOKEN + TOKEN);
    assertThat(client.ended).isTrue();
    assertNothingHeld();
  }

  @Test
  void theClientLeavingMidAnswerReleasesTheBodyClosesTheReplicasConnectionAndGivesItsSlotBack() throws Exception {
    start(3);
    FakeReplica first = asked();
    first.answer(SSE_HEAD + chunk(TOKEN));
    assertThat(first.replica().inFlight()).isEqualTo(1);

    exchange.onClientGone();

    assertThat(body.refCnt()).isZero();
    assertThat(first.channel().isActive()).as("the replica sees the cancellation").isFalse();
    assertThat(first.replica().inFlight()).isZero();
    assertThat(outcomes).as("cancelled, not failed").isEmpty();
    assertThat(client.ended).isFalse();
    assertNothingHeld();
  }

  @Test
  void aConnectionThatOpensAfterTheClientLeftGoesBackUnused() throws Exception {
    for (FakeReplica r : replicas) {
      r.takeIdle();
    }
    start(3);
    FakeReplica waitedOn = replicas.stream().filter(r -> r.replica().inFlight() == 1).findFirst().orElseThrow();

    exchange.onClientGone();
    assertThat(waitedOn.replica().inFlight()).isZero();
    ReplicaConnection late = waitedOn.connect();

    assertThat(waitedOn.asked()).as("nothing sent for a client that left").isFalse();
    assertThat(waitedOn.takeIdle()).as("back among the idle connections").isSameAs(late);
    assertNothingHeld();
  }

  @Test
  void aFinishedRequestIsForgottenByTheTimeoutSweep() throws Exception {
    start(3);
    asked().answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertThat(timeouts.size()).isEqualTo(1);

    timeouts.sweep(clock.nanoTime());

    assertThat(timeouts.size()).isZero();
  }

  // --- Fixtures ---

  private static String line(DecisionEvent e) {
    if (e instanceof Dispatched d) {
      return "dispatched " + d.replica() + " try " + d.attempt();
    } else if (e instanceof Retried r) {
      return "retried from " + r.failedReplica() + " " + r.cause() + " try " + r.nextAttempt();
    } else if (e instanceof FirstByte f) {
      return "first byte " + f.replica();
    } else if (e instanceof Completed c) {
      return "completed " + c.replica() + " " + c.status() + " after " + c.attempts() + " tries";
    } else if (e instanceof Failed f) {
      return "failed at " + f.replica() + " " + f.cause() + " after " + f.attempts() + " tries";
    }
    return e.toString();
  }

  /** A new request, started, with {@code maxAttempts} tries at most; the client's answer starts afresh. */
  private void start(int maxAttempts) throws Exception {
    client.reset();
    byte[] bytes = CHAT.getBytes(StandardCharsets.UTF_8);
    body = ByteBufAllocator.DEFAULT.heapBuffer(bytes.length);
    body.writeBytes(bytes);
    ExchangeContext context =
        new ExchangeContext(
            Runnable::run, clock, new RetryRule(maxAttempts, budget), timeouts,
            new ConnectionsToReplicas(u -> replicas.get(pool.replicas().indexOf(u)).connections),
            FIRST_BYTE_MS, null, decisions);
    exchange =
        new Exchange(
            context, client, request(bytes.length), body, RequestFields.parse(bytes), pool,
            new RequestInfo("m", 0, 3, "acme", "standard"), Reservation.NONE);
    exchange.start();
  }

  private static ClientRequest request(int length) throws IOException {
    ByteBuf in =
        Unpooled.copiedBuffer(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer sk-test\r\nContent-Length: " + length + "\r\n\r\n",
            StandardCharsets.US_ASCII);
    try {
      return new ClientRequestParser().head(in);
    } finally {
      in.release();
    }
  }

  private static String chunk(String data) {
    return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
  }

  /** The one replica with a request waiting for its answer. */
  private FakeReplica asked() {
    List<FakeReplica> asked = replicas.stream().filter(FakeReplica::hasUnreadRequest).toList();
    assertThat(asked).as("replicas with a request to answer").hasSize(1);
    return asked.get(0);
  }

  private FakeReplica other(FakeReplica r) {
    return replicas.get(1 - replicas.indexOf(r));
  }

  /** The request's body went back, and no replica counts it in flight. */
  private void assertNothingHeld() {
    assertThat(body.refCnt()).as("the request body released").isZero();
    for (FakeReplica r : replicas) {
      assertThat(r.replica().inFlight()).as(r.id() + " in flight").isZero();
    }
  }

  /**
   * A replica as this loop's connections to it see it: connections in embedded channels, handed
   * out as the pool's idle ones. It never opens a socket (no connection beyond those given), so a
   * try with none idle waits until {@link #connect()}.
   */
  private final class FakeReplica {
    final UpstreamReplica upstream;
    final ReplicaConnections connections;
    final List<EmbeddedChannel> channels = new ArrayList<>();
    /** The requests each channel carried, as text, unread by the test. */
    private final List<String> unread = new ArrayList<>();
    private boolean everAsked;

    FakeReplica(UpstreamReplica upstream) {
      this.upstream = upstream;
      this.connections =
          new ReplicaConnections(
              loop.eventLoop(), upstream.host(), upstream.port(), 1000, 0, DefaultAddressResolverGroup.INSTANCE,
              clock);
      connect();
    }

    String id() {
      return upstream.id();
    }

    Replica replica() {
      return upstream.replica();
    }

    /** A new connection to it, handed to a try waiting for one or kept idle. */
    ReplicaConnection connect() {
      EmbeddedChannel channel = new EmbeddedChannel();
      ReplicaConnection c = new ReplicaConnection(connections);
      channel.pipeline().addLast(c);
      channels.add(channel);
      connections.release(c);
      return c;
    }

    /** Takes its idle connection, as another request would; null if it has none. */
    ReplicaConnection takeIdle() {
      AtomicReference<ReplicaConnection> taken = new AtomicReference<>();
      connections.acquire(
          new ReplicaConnections.Callback() {
            @Override
            public void acquired(ReplicaConnection c) {
              taken.set(c);
            }

            @Override
            public void failed(Throwable cause) {
              throw new AssertionError(cause);
            }
          });
      return taken.get();
    }

    /** Connections to it fail at once. */
    void refuse() {
      connections.close();
    }

    EmbeddedChannel channel() {
      return channels.get(channels.size() - 1);
    }

    boolean hasUnreadRequest() {
      collect();
      return !unread.isEmpty();
    }

    boolean asked() {
      collect();
      return everAsked;
    }

    String request() {
      collect();
      return unread.remove(0);
    }

    private void collect() {
      for (EmbeddedChannel c : channels) {
        for (ByteBuf sent; (sent = c.readOutbound()) != null; ) {
          unread.add(sent.toString(StandardCharsets.UTF_8));
          sent.release();
          everAsked = true;
        }
      }
    }

    /** Bytes from the replica on the current connection, as one socket read. */
    void answer(String raw) {
      collect();
      unread.clear();
      channel().writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
    }

    /** The connection is reset. */
    void reset() {
      collect();
      unread.clear();
      channel().pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
      channel().runPendingTasks();
    }

    void close() {
      for (EmbeddedChannel c : channels) {
        c.finishAndReleaseAll();
      }
    }
  }

  /** The client's answer as the exchange wrote it. */
  private static final class RecordedAnswer implements ClientAnswer {
    final HttpHeaders extraHeaders = new DefaultHttpHeaders(false);
    final StringBuilder body = new StringBuilder();
    Integer status;
    boolean chunked;
    boolean writable = true;
    boolean ended;
    boolean aborted;
    OpenAiError error;
    String errorMessage;
    String sseError;

    void reset() {
      extraHeaders.clear();
      body.setLength(0);
      status = null;
      chunked = false;
      ended = false;
      aborted = false;
      error = null;
      errorMessage = null;
      sseError = null;
    }

    @Override
    public HttpHeaders extraHeaders() {
      return extraHeaders;
    }

    @Override
    public void sendError(OpenAiError error, String message, String param) {
      assertThat(status).as("an error after the head went out").isNull();
      this.error = error;
      this.errorMessage = message;
      ended = true;
    }

    @Override
    public void writeHead(ReplicaResponse head) {
      assertThat(status).as("a second head").isNull();
      status = head.status();
      chunked = head.contentLength() < 0 && head.hasBody();
    }

    @Override
    public void writeBody(ByteBuf piece) {
      assertThat(status).as("the head before the body").isNotNull();
      body.append(piece.toString(StandardCharsets.UTF_8));
      piece.release();
    }

    @Override
    public void endBody() {
      ended = true;
    }

    @Override
    public boolean chunked() {
      return chunked;
    }

    @Override
    public void endWithSseError(OpenAiError error, String message) {
      sseError = error.sseEvent(message);
      ended = true;
    }

    @Override
    public void abort() {
      aborted = true;
    }

    @Override
    public boolean isWritable() {
      return writable;
    }

    @Override
    public void flush() {}
  }
}
