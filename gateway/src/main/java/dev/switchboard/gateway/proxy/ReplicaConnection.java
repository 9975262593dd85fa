package dev.switchboard.gateway.proxy;

import dev.switchboard.gateway.http.MalformedHttp;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.http.ReplicaResponseParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;

/**
 * One keep-alive connection to a replica, carrying one exchange at a time. It writes the request's
 * bytes as given, reads the answer with a {@link ReplicaResponseParser} and hands it to its current
 * {@link Listener} as it arrives; once the answer is complete it goes back to its
 * {@link ReplicaConnections} (or closes, if the replica asked to). An exchange that gives up on an
 * answer closes the connection rather than read the rest of it.
 *
 * <p>Used only from its event loop.
 */
final class ReplicaConnection extends ChannelInboundHandlerAdapter implements ReplicaResponseParser.Handler {
  /** Receives one answer. Every call comes on the connection's event loop. */
  interface Listener {
    /** The status line and headers. */
    void onHead(ReplicaConnection connection, ReplicaResponse head);

    /** A piece of the body, never empty; the listener owns it and must release or pass it on. */
    void onBody(ByteBuf piece);

    /** The answer is complete; the connection is no longer the listener's. */
    void onEnd();

    /** Everything read for now has been handed over: a good moment to flush. */
    void onReadComplete();

    /** The connection failed or closed before the answer was complete. */
    void onFailure(Throwable cause);
  }

  private final ReplicaConnections connections;
  private final ReplicaResponseParser parser = new ReplicaResponseParser(this);
  private Channel channel;
  private Listener listener;
  private boolean keepAlive;
  private Throwable failure;
  /** Requests sent on it so far. */
  private int sent;
  /** When it went back to its idle ones, for closing connections idle too long. */
  long idleSince;

  ReplicaConnection(ReplicaConnections connections) {
    this.connections = connections;
  }

  Channel channel() {
    return channel;
  }

  /** The keep-alive connections it belongs to. */
  ReplicaConnections connections() {
    return connections;
  }

  /**
   * Whether the request in flight is not the connection's first: a reused connection that fails
   * before any answer may have been closed by the replica while it sat idle, so an idempotent
   * request may go again on a new one.
   */
  boolean reused() {
    return sent > 1;
  }

  /**
   * Sends a request, its head and body as bytes ready for the wire (the body null when the head
   * holds it too), whose answer goes to {@code listener}. The buffers' references pass to the
   * connection.
   */
  void send(Listener listener, ByteBuf head, ByteBuf body) {
    this.listener = listener;
    this.keepAlive = true;
    sent++;
    parser.expectAnswer();
    if (body == null) {
      channel.writeAndFlush(head, channel.voidPromise());
    } else {
      channel.write(head, channel.voidPromise());
      channel.writeAndFlush(body, channel.voidPromise());
    }
  }

  /** Stops reading (back-pressure from a slow client) or reads again. */
  void setReading(boolean reading) {
    channel.config().setAutoRead(reading);
  }

  /**
   * The listener gives up on this answer: the connection is closed, since the rest of the answer
   * would otherwise be read by the next exchange. The listener hears nothing more.
   */
  void abandon() {
    listener = null;
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      if (parser.idle()) {
        // Bytes nobody asked for: the connection's framing can no longer be trusted.
        ctx.close();
        return;
      }
      parser.feed(in);
      if (in.isReadable() && ctx.channel().isActive()) {
        // More than the answer: the same distrust.
        ctx.close();
      }
    } catch (MalformedHttp e) {
      failure = new IOException("malformed response from the replica: " + e.getMessage(), e);
      ctx.close();
    } finally {
      in.release();
    }
  }

  @Override
  public void head(ReplicaResponse head) {
    Listener l = listener;
    if (l != null) {
      keepAlive = head.keepAlive();
      l.onHead(this, head);
    }
  }

  @Override
  public void body(ByteBuf piece) {
    Listener l = listener;
    if (l == null) {
      // The head made the listener give up (a retry after a 5xx).
      piece.release();
      return;
    }
    l.onBody(piece);
  }

  @Override
  public void end() {
    Listener l = listener;
    if (l == null) {
      return;
    }
    listener = null;
    if (keepAlive && channel.isActive()) {
      // The answer may have paused reading (a client that could take no more, or had gone): the
      // next exchange on this connection must hear its answer.
      setReading(true);
      connections.release(this);
    } else {
      channel.close();
    }
    l.onEnd();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Listener l = listener;
    if (l != null) {
      l.onReadComplete();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connections.closed(this);
    if (failure == null && listener != null && parser.closed()) {
      // A body that runs to the close has ended, and the listener heard so.
      return;
    }
    Listener l = listener;
    listener = null;
    if (l != null) {
      l.onFailure(failure != null ? failure : new IOException("the replica closed the connection"));
    }
  }
}
