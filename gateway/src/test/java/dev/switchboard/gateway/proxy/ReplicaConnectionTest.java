package dev.switchboard.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ManualClock;
import dev.switchboard.gateway.http.ReplicaResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connection to a replica, driven through an embedded channel: the bytes in, what the listener hears. */
class ReplicaConnectionTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final ReplicaConnections connections =
      new ReplicaConnections(
          channel.eventLoop(), "127.0.0.1", 9, 1000, 4, DefaultAddressResolverGroup.INSTANCE, new ManualClock());
  private final ReplicaConnection connection = new ReplicaConnection(connections);

  /** Records what a listener hears; {@code onPiece} runs for each piece of body, as an exchange's would. */
  private static final class Heard implements ReplicaConnection.Listener {
    final List<Integer> statuses = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    final List<Throwable> failures = new ArrayList<>();
    int ends;
    Consumer<ByteBuf> onPiece = piece -> {};

    @Override
    public void onHead(ReplicaConnection c, ReplicaResponse head) {
      statuses.add(head.status());
    }

    @Override
    public void onBody(ByteBuf piece) {
      body.append(piece.toString(StandardCharsets.ISO_8859_1));
      onPiece.accept(piece);
      piece.release();
    }

    @Override
    public void onEnd() {
      ends++;
    }

    @Override
    public void onReadComplete() {}

    @Override
    public void onFailure(Throwable cause) {
      failures.add(cause);
    }
  }

  ReplicaConnectionTest() {
    channel.pipeline().addLast(connection);
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void send(Heard listener) {
    connection.send(listener, Unpooled.copiedBuffer("POST / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII), null);
    ByteBuf sent = channel.readOutbound();
    sent.release();
  }

  private void answer(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
  }

  private ReplicaConnection takeFromPool() {
    AtomicReference<ReplicaConnection> got = new AtomicReference<>();
    connections.acquire(
        new ReplicaConnections.Callback() {
          @Override
          public void acquired(ReplicaConnection c) {
            got.set(c);
          }

          @Override
          public void failed(Throwable cause) {
            throw new AssertionError(cause);
          }
        });
    return got.get();
  }

  @Test
  void aCompleteAnswerReachesTheListenerAndTheConnectionGoesBackToThePool() {
    Heard heard = new Heard();
    send(heard);
    answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel");
    assertThat(heard.ends).isZero();
    answer("lo");
    assertThat(heard.statuses).containsExactly(200);
    assertThat(heard.body.toString()).isEqualTo("hello");
    assertThat(heard.ends).isEqualTo(1);
    assertThat(takeFromPool()).isSameAs(connection);
  }

  @Test
  void aConnectionPausedByItsLastAnswerGoesBackToThePoolReading() {
    // An exchange pauses reading when its client can take no more, or has just gone; when that
    // was the answer's last piece, the connection is pooled at once, and must not stay deaf.
    Heard heard = new Heard();
    heard.onPiece = piece -> connection.setReading(false);
    send(heard);
    answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertThat(heard.ends).isEqualTo(1);
    assertThat(takeFromPool()).isSameAs(connection);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aReplicaThatSaysCloseIsNotPooled() {
    Heard heard = new Heard();
    send(heard);
    answer("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assertThat(heard.ends).isEqualTo(1);
    assertThat(channel.isActive()).isFalse();
    assertThat(heard.failures).isEmpty();
  }

  @Test
  void bytesPastTheAnswerCloseTheConnection() {
    Heard heard = new Heard();
    send(heard);
    answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n");
    assertThat(heard.ends).as("the answer itself was whole").isEqualTo(1);
    assertThat(channel.isActive()).as("but the connection's framing is no longer trusted").isFalse();
  }

  @Test
  void aMalformedAnswerFailsTheListenerAndClosesTheConnection() {
    Heard heard = new Heard();
    send(heard);
    answer("HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n");
    assertThat(heard.failures).singleElement().satisfies(
        e -> assertThat(e).hasMessageContaining("bad content-length `nope`"));
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void aBodyThatRunsToTheCloseEndsWhenTheReplicaCloses() {
    Heard heard = new Heard();
    send(heard);
    answer("HTTP/1.1 200 OK\r\n\r\nall of it");
    assertThat(heard.ends).isZero();
    channel.close();
    assertThat(heard.body.toString()).isEqualTo("all of it");
    assertThat(heard.ends).isEqualTo(1);
    assertThat(heard.failures).isEmpty();
  }

  @Test
  void aCloseMidAnswerIsAFailure() {
    Heard heard = new Heard();
    send(heard);
    answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    channel.close();
    assertThat(heard.ends).isZero();
    assertThat(heard.failures).singleElement().satisfies(
        e -> assertThat(e).hasMessageContaining("closed the connection"));
  }
}
