package dev.switchboard.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Clock;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GETs for the health checks, against a replica scripted at the socket. */
class ReplicaFetcherTest {
  private final ReplicaFetcher fetcher = ReplicaFetcher.standalone(1);
  private ScriptedReplica replica;
  private UpstreamReplica target;

  @AfterEach
  void close() throws IOException {
    fetcher.close();
    if (replica != null) {
      replica.close();
    }
  }

  @Test
  void readsTheStatusAndTheWholeBodyAndSendsTheReplicasHostAndThePath() throws Exception {
    String metrics = "vllm:num_requests_waiting 4.0\n".repeat(5_000); // 150 KB, many socket reads
    replica = new ScriptedReplica((out, connection, request, path) -> answer(out, 200, metrics, true));

    ReplicaFetcher.Reply reply = get("/metrics", 2_000);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.isSuccess()).isTrue();
    assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo(metrics);
    assertThat(replica.heads).singleElement().asString()
        .startsWith("GET /metrics HTTP/1.1\r\n")
        .contains("\r\nhost: 127.0.0.1:" + replica.port() + "\r\n");
  }

  @Test
  void aChunkedAnswerIsReadToItsLastChunk() throws Exception {
    replica =
        new ScriptedReplica(
            (out, connection, request, path) -> {
              out.write(ascii("HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n"
                  + "5\r\nnot r\r\n5\r\neady.\r\n0\r\n\r\n"));
              return true;
            });

    ReplicaFetcher.Reply reply = get("/health", 2_000);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.isSuccess()).isFalse();
    assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("not ready.");
  }

  @Test
  void getsOneAfterAnotherShareOneKeepAliveConnection() throws Exception {
    replica = new ScriptedReplica((out, connection, request, path) -> answer(out, 200, "", true));

    for (int i = 0; i < 5; i++) {
      assertThat(get("/health", 2_000).status()).isEqualTo(200);
    }

    assertThat(replica.connections.get()).isEqualTo(1);
    assertThat(replica.heads).hasSize(5);
  }

  @Test
  void aForgottenReplicasConnectionIsClosedAndNotUsedAgain() throws Exception {
    CountDownLatch firstClosed = new CountDownLatch(1);
    replica =
        new ScriptedReplica(
            (out, connection, request, path) -> {
              if (connection == 1 && request == 2) {
                firstClosed.countDown(); // never reached: the fetcher must not reuse it
              }
              return answer(out, 200, "", true);
            });
    assertThat(get("/health", 2_000).status()).isEqualTo(200);

    fetcher.forget(target);

    assertThat(get("/health", 2_000).status()).isEqualTo(200);
    assertThat(replica.connections.get()).as("a new connection after the replica was forgotten").isEqualTo(2);
    assertThat(firstClosed.getCount()).isEqualTo(1);
  }

  @Test
  void aReplicaThatTricklesItsAnswerFailsAtTheDeadlineAndItsConnectionIsClosed() throws Exception {
    AtomicInteger trickled = new AtomicInteger();
    CountDownLatch cutOff = new CountDownLatch(1);
    replica =
        new ScriptedReplica(
            (out, connection, request, path) -> {
              if (connection > 1) {
                return answer(out, 200, "", true);
              }
              out.write(ascii("HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n"));
              try {
                for (int i = 0; i < 500; i++) { // a byte every 10 ms: 5 s in all, past the deadline
                  out.write('x');
                  out.flush();
                  trickled.incrementAndGet();
                  Thread.sleep(10);
                }
              } catch (IOException closed) {
                cutOff.countDown();
              }
              return false;
            });

    assertThatThrownBy(() -> get("/health", 300))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("GET /health on r0@127.0.0.1:" + replica.port() + " took over 300 ms");

    // Closed, not left to read the rest: the replica finds out long before its 5 s are up.
    assertThat(cutOff.await(2, TimeUnit.SECONDS)).isTrue();
    assertThat(trickled.get()).isLessThan(500);
    assertThat(get("/health", 2_000).status()).isEqualTo(200);
    assertThat(replica.connections.get()).isEqualTo(2);
  }

  @Test
  void aReusedConnectionTheReplicaClosedWhileIdleIsRetriedOnceOnANewOne() throws Exception {
    // Every connection answers its first request and closes at the second without a word, as a
    // replica whose keep-alive timeout ends just as the request arrives.
    replica =
        new ScriptedReplica((out, connection, request, path) -> request == 1 && answer(out, 200, "ok", true));

    assertThat(get("/health", 2_000).status()).isEqualTo(200);
    ReplicaFetcher.Reply second = get("/health", 2_000);

    assertThat(second.status()).isEqualTo(200);
    assertThat(replica.connections.get()).isEqualTo(2);
  }

  @Test
  void aNewConnectionClosedBeforeAnyAnswerFailsWithoutARetry() throws Exception {
    replica = new ScriptedReplica((out, connection, request, path) -> false);

    assertThatThrownBy(() -> get("/health", 2_000))
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed the connection");
    assertThat(replica.connections.get()).isEqualTo(1);
  }

  @Test
  void aMalformedAnswerFails() throws Exception {
    replica =
        new ScriptedReplica(
            (out, connection, request, path) -> {
              out.write(ascii("HTTP/1.1 200 OK\r\ncontent-length: 12x\r\n\r\n"));
              return true;
            });

    assertThatThrownBy(() -> get("/health", 2_000))
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessageContaining("malformed response from the replica");
  }

  @Test
  void aBodyOverTheLimitFailsInsteadOfFillingTheHeap() throws Exception {
    int tooLong = ReplicaFetcher.MAX_BODY_BYTES + 1;
    replica =
        new ScriptedReplica(
            (out, connection, request, path) -> {
              out.write(ascii("HTTP/1.1 200 OK\r\ncontent-length: " + tooLong + "\r\n\r\n"));
              byte[] block = new byte[64 * 1024];
              for (int sent = 0; sent < tooLong; sent += block.length) {
                out.write(block, 0, Math.min(block.length, tooLong - sent));
              }
              return true;
            });

    assertThatThrownBy(() -> get("/metrics", 10_000))
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answer over " + ReplicaFetcher.MAX_BODY_BYTES + " bytes");
  }

  @Test
  void aReplicaThatRefusesConnectionsFailsAtOnce() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    UpstreamReplica nobody = new UpstreamReplica(new Replica("r0", Clock.system()), "127.0.0.1", port);

    assertThatThrownBy(() -> fetcher.get(nobody, "/health", 5_000).get(4, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class);
  }

  private ReplicaFetcher.Reply get(String path, long timeoutMillis) throws Exception {
    if (target == null) {
      target = new UpstreamReplica(new Replica("r0", Clock.system()), "127.0.0.1", replica.port());
    }
    return fetcher.get(target, path, timeoutMillis).get(timeoutMillis + 5_000, TimeUnit.MILLISECONDS);
  }

  private static boolean answer(OutputStream out, int status, String body, boolean keepAlive) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(ascii("HTTP/1.1 " + status + " X\r\ncontent-length: " + bytes.length + "\r\n"
        + (keepAlive ? "" : "connection: close\r\n") + "\r\n"));
    out.write(bytes);
    return keepAlive;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A replica at the socket: each request's answer written by a script, a thread per connection. */
  private static final class ScriptedReplica implements AutoCloseable {
    interface Script {
      /** Answers request {@code request} (from 1) of connection {@code connection} (from 1); false closes it. */
      boolean answer(OutputStream out, int connection, int request, String path) throws Exception;
    }

    final AtomicInteger connections = new AtomicInteger();
    final List<String> heads = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Script script;

    ScriptedReplica(Script script) throws IOException {
      this.script = script;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::accept, "scripted-replica");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          int connection = connections.incrementAndGet();
          Thread t = new Thread(() -> serve(s, connection), "scripted-replica-" + connection);
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s, int connection) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        for (int request = 1; ; request++) {
          String head = readHead(in);
          if (head == null) {
            return;
          }
          heads.add(head);
          String path = head.split(" ")[1];
          if (!script.answer(out, connection, request, path)) {
            return;
          }
          out.flush();
        }
      } catch (Exception e) {
        // The client went away: this connection is done.
      }
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (matched == 4) {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
