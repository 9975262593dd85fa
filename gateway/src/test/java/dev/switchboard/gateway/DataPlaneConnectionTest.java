package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The data plane's HTTP/1.1 on both sides: keep-alive, pipelining, framing, back-pressure. */
@ExtendWith(NoBufferLeaks.class)
class DataPlaneConnectionTest {
  private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";

  private final GatewayHarness h = new GatewayHarness();

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  /** A replica that answers every completion with its body echoed back, sized. */
  private int echoReplica() throws Exception {
    return h.replica(
        req -> req.body().onSuccess(b -> req.response().putHeader("content-type", "application/json").end(b)));
  }

  private static String post(String body, String version, String extraHeaders) {
    return "POST /v1/chat/completions " + version + "\r\nHost: gw\r\nAuthorization: Bearer sk-good\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n" + extraHeaders + "\r\n" + body;
  }

  /** Sends raw bytes on a new connection to the gateway and reads until the gateway closes it. */
  private String exchange(String raw) throws IOException {
    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.getInputStream().transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void eachEventLoopListensOnThePortOfItsOwnWhereTheKernelCanSpreadConnections() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    int expected = io.netty.channel.epoll.Epoll.isAvailable() && loops > 1 ? loops : 1;
    assertThat(h.gateway.listeningSockets()).isEqualTo(expected);
    // Whichever socket the kernel gives a connection to, it is served.
    for (int i = 0; i < 20; i++) {
      assertThat(exchange(post(CHAT, "HTTP/1.0", ""))).as("connection " + i).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void withoutReusePortOneSocketAcceptsForEveryLoop() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()).replace("data: {port: 0}", "data: {port: 0, reuse_port: false}"));
    assertThat(h.gateway.listeningSockets()).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      assertThat(exchange(post(CHAT, "HTTP/1.0", ""))).as("connection " + i).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      requests.append(post(CHAT.replace("hi", "request " + i), "HTTP/1.1", i == 4 ? "Connection: close\r\n" : ""));
    }
    String answers = exchange(requests.toString());
    int at = 0;
    for (int i = 0; i < 5; i++) {
      int found = answers.indexOf("request " + i, at);
      assertThat(found).as("answer %d comes after answer %d", i, i - 1).isGreaterThan(at);
      at = found;
    }
    assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(6);
  }

  @Test
  void anHttp10ClientGetsItsWholeAnswerAndTheConnectionClosed() throws Exception {
    int port =
        h.replica(
            req -> req.body().onSuccess(b -> {
              // Unsized: the gateway cannot send it chunked to an HTTP/1.0 client.
              HttpServerResponse resp = req.response().setChunked(true);
              resp.write("part one, ");
              resp.end("part two");
            }));
    h.start(GatewayHarness.config("round-robin", "", port));
    String answer = exchange(post(CHAT, "HTTP/1.0", ""));
    assertThat(answer).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("transfer-encoding");
    assertThat(answer).endsWith("\r\n\r\npart one, part two");
  }

  @Test
  void aMalformedRequestGets400InOpenAiShapeAndTheConnectionCloses() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    String answer = exchange("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 12x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
    assertThat(answer).contains("\"type\":\"invalid_request_error\"");
  }

  @Test
  void aRequestHiddenBehindConflictingFramingIsNeverAnswered() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    int port = h.replica(req -> req.body().onSuccess(b -> {
      reached.incrementAndGet();
      req.response().end(b);
    }));
    h.start(GatewayHarness.config("round-robin", "", port));
    // Read by its length, the body is "0\r\n\r\n"; read by its chunks, a second request follows.
    String answer =
        exchange(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer sk-good\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + "GET /v1/models HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer sk-good\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
    assertThat(answer).contains("Malformed HTTP request: both content-length and transfer-encoding");
    assertThat(answer.split("HTTP/1.1 ", -1)).as("one answer, then the close").hasSize(2);
    assertThat(reached).hasValue(0);
  }

  @Test
  void aTransferCodingOtherThanChunkedGets501() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    String answer =
        exchange(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer sk-good\r\n"
                + "Transfer-Encoding: gzip\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 501").contains("\"code\":\"not_implemented\"");
  }

  @Test
  void moreBytesPipelinedThanTheGatewayReadsAheadAreAllAnsweredInOrder() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    int n = 100;
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String body = CHAT.replace("hi", "request " + i + " " + "x".repeat(1500));
      requests.append(post(body, "HTTP/1.1", i == n - 1 ? "Connection: close\r\n" : ""));
    }
    // Past the 64 KiB read ahead behind an unfinished answer, the gateway stops reading for a while.
    assertThat(requests.length()).isGreaterThan(128 * 1024);
    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setSoTimeout(10_000);
      // Written from a thread of its own: the gateway stops reading while it answers.
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(requests.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // The read below fails the test.
        }
      });
      writer.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.getInputStream().transferTo(out);
      writer.join();
      String answers = out.toString(StandardCharsets.UTF_8);
      int at = 0;
      for (int i = 0; i < n; i++) {
        int found = answers.indexOf("request " + i + " ", at);
        assertThat(found).as("answer %d comes after answer %d", i, i - 1).isGreaterThan(at);
        at = found;
      }
    }
  }

  /** A chat request whose body is sent chunked ({@code Transfer-Encoding: chunked}), 100 bytes a chunk. */
  private static String chunkedPost(String body) {
    StringBuilder raw =
        new StringBuilder(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer sk-good\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < body.length(); i += 100) {
      String piece = body.substring(i, Math.min(body.length(), i + 100));
      raw.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
    }
    return raw.append("0\r\n\r\n").toString();
  }

  @Test
  void aBodySentChunkedReachesTheReplicaWholeWithItsLength() throws Exception {
    List<String> lengths = new CopyOnWriteArrayList<>();
    int port =
        h.replica(
            req -> {
              lengths.add(String.valueOf(req.getHeader("content-length")));
              req.body().onSuccess(b -> req.response().end(b));
            });
    h.start(GatewayHarness.config("round-robin", "", port));
    String body = CHAT.replace("hi", "x".repeat(1000));
    String answer = exchange(chunkedPost(body));
    assertThat(answer).startsWith("HTTP/1.1 200").endsWith(body);
    assertThat(lengths).containsExactly(Integer.toString(body.length()));
  }

  @Test
  void aChunkedBodyOverTheLimitGets413AndNeverReachesAReplica() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    int port = h.replica(req -> {
      reached.incrementAndGet();
      req.response().end();
    });
    h.start(GatewayHarness.config("round-robin", "limits: {max_body_bytes: 2000}", port));
    String answer = exchange(chunkedPost(CHAT.replace("hi", "x".repeat(5000))));
    assertThat(answer).startsWith("HTTP/1.1 413").contains("request_too_large");
    assertThat(reached).hasValue(0);
  }

  @Test
  void aClientThatExpects100ContinueGetsItsAnswer() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    HttpResponse<String> r =
        h.http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + "/v1/chat/completions"))
                .expectContinue(true)
                .timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer sk-good")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(CHAT);
  }

  @Test
  void aClientThatExpects100ContinueWithAWrongKeyIsRefusedBeforeSendingItsBody() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    String answer =
        exchange(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer sk-wrong\r\n"
                + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: 1000\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 401").doesNotContain("100 Continue");
  }

  @Test
  void aReplicasInterim100ContinueIsNotTakenForItsAnswer() throws Exception {
    int port =
        h.replica(
            req -> req.body().onSuccess(b -> {
              req.response().writeContinue();
              req.response().putHeader("content-type", "application/json").end(b);
            }));
    h.start(GatewayHarness.config("round-robin", "", port));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(CHAT);
    }
  }

  /**
   * A bare HTTP/1.1 server that reads each request and answers it with {@code answer}'s bytes as
   * they are (a health probe with 200), then closes the connection. Closed with the test's server
   * socket.
   */
  private static ServerSocket rawReplica(String answer) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          String requestLine = in.readLine();
          int length = 0;
          for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).trim());
            }
          }
          in.skip(length);
          // Health probes pass, so the replica stays in rotation whatever its answers are.
          String reply =
              requestLine != null && requestLine.startsWith("GET /health")
                  ? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                  : answer;
          s.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
        } catch (IOException closed) {
          // the test is over
        }
      }
    });
    accept.setDaemon(true);
    accept.start();
    return server;
  }

  @Test
  void anAnswerThatEndsByClosingTheConnectionReachesTheClientWhole() throws Exception {
    String answer = "{\"id\":\"x\",\"choices\":[]}".repeat(50);
    // Answers without a length: they end when the replica closes the connection.
    try (ServerSocket server = rawReplica("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + answer)) {
      h.start(GatewayHarness.config("round-robin", "", server.getLocalPort()));
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(answer);
      }
    }
  }

  @Test
  void aMalformedAnswerFromAReplicaGets502NamingWhatWasWrong() throws Exception {
    try (ServerSocket server = rawReplica("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n{}")) {
      h.start(GatewayHarness.config("round-robin", "retries: {max_attempts: 1}", server.getLocalPort()));
      HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("malformed response from the replica: bad content-length `12x`");
    }
  }

  @Test
  void aHeadRequestGetsItsAnswersHeadWithoutTheBody() throws Exception {
    h.start(GatewayHarness.config("round-robin", "", echoReplica()));
    String answer =
        exchange(
            "HEAD /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n"
                + post(CHAT, "HTTP/1.1", "Connection: close\r\n"));
    assertThat(answer).startsWith("HTTP/1.1 405").containsIgnoringCase("content-length:");
    // The body would have started right after the head; the next answer follows instead.
    String afterHead = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertThat(afterHead).startsWith("HTTP/1.1 200").endsWith(CHAT);
  }

  @Test
  void connectionsToAReplicaAreKeptAliveAndReused() throws Exception {
    Set<Object> connections = ConcurrentHashMap.newKeySet();
    int port =
        h.replica(
            req -> {
              connections.add(req.connection());
              req.body().onSuccess(b -> req.response().end(b));
            });
    h.start(GatewayHarness.config("round-robin", "", port));
    for (int i = 0; i < 40; i++) {
      assertThat(h.post("/v1/chat/completions", CHAT, "sk-good").statusCode()).isEqualTo(200);
    }
    // One at a time: at most one connection per event loop of the gateway.
    assertThat(connections).hasSizeLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void aReplicaThatClosesAfterEachAnswerIsNotSentASecondRequestOnThatConnection() throws Exception {
    AtomicInteger served = new AtomicInteger();
    int port =
        h.replica(
            req -> req.body().onSuccess(b -> {
              served.incrementAndGet();
              req.response().putHeader("connection", "close").end(b);
            }));
    h.start(GatewayHarness.config("round-robin", "", port));
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", CHAT, "sk-good");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("connection")).isEmpty();
    }
    assertThat(served).hasValue(10);
  }

  @Test
  void aClientLeavingMidStreamClosesTheConnectionToTheReplica() throws Exception {
    AtomicBoolean replicaSawClose = new AtomicBoolean();
    int port =
        h.replica(
            req -> req.body().onSuccess(b -> {
              HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
              long timer = h.vertx.setPeriodic(10, id -> resp.write("data: {}\n\n"));
              resp.closeHandler(v -> {
                h.vertx.cancelTimer(timer);
                replicaSawClose.set(true);
              });
            }));
    h.start(GatewayHarness.config("round-robin", "", port));
    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(post(CHAT, "HTTP/1.1", "").getBytes(StandardCharsets.UTF_8));
      byte[] some = new byte[64];
      assertThat(s.getInputStream().read(some)).isPositive();
    }
    await().atMost(Duration.ofSeconds(5)).untilTrue(replicaSawClose);
  }

  @Test
  void aSlowClientsNextRequestIsAnsweredOnTheSameConnections() throws Exception {
    // An answer far larger than the gateway's write buffer, read slowly, pauses the replica's
    // connection while the client cannot take more; the next request goes on the same two
    // connections and must still get its answer.
    int size = 8 * 1024 * 1024;
    byte[] big = new byte[size];
    int port =
        h.replica(
            req -> req.body().onSuccess(b -> {
              boolean large = b.toString().contains("large");
              req.response().end(large ? Buffer.buffer(big) : b);
            }));
    h.start(GatewayHarness.config("round-robin", "timeouts: {first_byte_ms: 3000}", port));
    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setReceiveBufferSize(16 * 1024);
      s.setSoTimeout(20_000);
      s.getOutputStream().write(post(CHAT.replace("hi", "large"), "HTTP/1.1", "").getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16 * 1024];
      long received = 0;
      long headAndBody = -1;
      StringBuilder head = new StringBuilder();
      while (headAndBody < 0 || received < headAndBody) {
        int n = in.read(buf);
        assertThat(n).as("the first answer is cut short").isPositive();
        if (headAndBody < 0) {
          head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          int end = head.indexOf("\r\n\r\n");
          if (end >= 0) {
            headAndBody = end + 4 + size;
          }
        }
        received += n;
        Thread.sleep(1);
      }
      s.getOutputStream().write(post(CHAT, "HTTP/1.1", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream second = new ByteArrayOutputStream();
      in.transferTo(second);
      assertThat(second.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200").endsWith(CHAT);
    }
  }

  @Test
  void aClientThatStopsReadingSlowsTheReplicaInsteadOfFillingTheGatewaysMemory() throws Exception {
    int chunk = 64 * 1024;
    long total = 1024L * chunk; // 64 MiB: far more than the socket buffers on the way hold
    Buffer piece = Buffer.buffer(new byte[chunk]);
    AtomicLong written = new AtomicLong();
    int port =
        h.replica(
            req -> req.body().onSuccess(b -> {
              HttpServerResponse resp = req.response().putHeader("content-length", Long.toString(total));
              Runnable[] pump = new Runnable[1];
              pump[0] = () -> {
                while (written.get() < total && !resp.writeQueueFull()) {
                  resp.write(piece);
                  written.addAndGet(chunk);
                }
                if (written.get() >= total) {
                  resp.end();
                } else {
                  resp.drainHandler(v -> pump[0].run());
                }
              };
              pump[0].run();
            }));
    h.start(GatewayHarness.config("round-robin", "", port));
    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setReceiveBufferSize(64 * 1024);
      s.setSoTimeout(20_000);
      s.getOutputStream().write(post(CHAT, "HTTP/1.1", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
      // Not reading: the replica must stall well short of the whole body.
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> written.get() > 0);
      long stalledAt = written.get();
      Thread.sleep(500);
      assertThat(written.get()).as("the replica is held back, not read into the gateway's memory")
          .isLessThan(total / 4)
          .isEqualTo(stalledAt);
      // Reading again: everything arrives.
      InputStream in = s.getInputStream();
      byte[] buf = new byte[chunk];
      long received = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        received += n;
      }
      assertThat(received).isGreaterThan(total);
      assertThat(written.get()).isEqualTo(total);
    }
  }
}
