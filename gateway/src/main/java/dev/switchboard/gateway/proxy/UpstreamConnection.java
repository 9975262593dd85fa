package dev.switchboard.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * One keep-alive connection to a replica, carrying one exchange at a time. It hands the response to
 * its current {@link Listener} as it arrives and, once the response is complete, goes back to its
 * {@link UpstreamPool} (or closes, if the replica asked to). An exchange that gives up on a response
 * closes the connection rather than read the rest of it.
 *
 * <p>Used only from its event loop.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  /** Receives one response. Every call comes on the connection's event loop. */
  interface Listener {
    /** The status line and headers. */
    void onHead(UpstreamConnection connection, HttpResponse head);

    /**
     * A piece of the body; the listener owns {@code content} and must release or pass it on. After
     * a {@link LastHttpContent} the connection is no longer the listener's.
     */
    void onContent(HttpContent content);

    /** Everything read for now has been handed over: a good moment to flush. */
    void onReadComplete();

    /** The connection failed or closed before the response was complete. */
    void onFailure(Throwable cause);
  }

  private final UpstreamPool pool;
  private Channel channel;
  private Listener listener;
  private boolean keepAlive;
  /** An interim (1xx) answer was read; its end marker comes next. */
  private boolean interim;
  private Throwable failure;
  /** When it went back to the pool, for closing connections idle too long. */
  long idleSince;

  UpstreamConnection(UpstreamPool pool) {
    this.pool = pool;
  }

  Channel channel() {
    return channel;
  }

  UpstreamPool pool() {
    return pool;
  }

  /**
   * Sends a request whose response goes to {@code listener}. {@code body}'s reference passes to the
   * connection.
   */
  void send(Listener listener, HttpRequest head, ByteBuf body) {
    this.listener = listener;
    this.keepAlive = true;
    channel.write(head, channel.voidPromise());
    channel.writeAndFlush(new DefaultLastHttpContent(body), channel.voidPromise());
  }

  /** Stops reading (back-pressure from a slow client) or reads again. */
  void setReading(boolean reading) {
    channel.config().setAutoRead(reading);
  }

  /**
   * The listener gives up on this response: the connection is closed, since the rest of the
   * response would otherwise be read by the next exchange. The listener hears nothing more.
   */
  void abandon() {
    listener = null;
    channel.close();
  }

  /** Ends the exchange with {@code cause} (a timeout): the listener hears it as a failure. */
  void fail(Throwable cause) {
    failure = cause;
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Listener l = listener;
    if (l == null) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    HttpObject object = (HttpObject) msg;
    if (object.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      failure = new IOException("malformed response from the replica: " + object.decoderResult().cause().getMessage());
      ctx.close();
      return;
    }
    if (interim && msg instanceof LastHttpContent) {
      // The end marker of an interim answer, not of the response.
      interim = false;
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse head) {
      if (head.status().code() < 200) {
        // An interim answer (100 Continue); the real one follows.
        interim = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        return;
      }
      keepAlive = HttpUtil.isKeepAlive(head);
      l.onHead(this, head);
    }
    if (msg instanceof HttpContent content) {
      if (listener != l) {
        // The head made the listener give up (a retry after a 5xx).
        content.release();
        return;
      }
      if (content instanceof LastHttpContent) {
        listener = null;
        if (keepAlive && ctx.channel().isActive()) {
          pool.release(this);
        } else {
          ctx.close();
        }
      }
      l.onContent(content);
    }
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
    pool.closed(this);
    Listener l = listener;
    listener = null;
    if (l != null) {
      l.onFailure(failure != null ? failure : new IOException("the replica closed the connection"));
    }
  }
}
