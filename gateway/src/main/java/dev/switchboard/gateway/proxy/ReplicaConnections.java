package dev.switchboard.gateway.proxy;

import dev.switchboard.core.Clock;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.Channel;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One event loop's keep-alive connections to one replica. Connections stay on the loop that opened
 * them, so a request and its upstream connection never cross threads and none of this needs a lock.
 * At most {@code max} connections are open; beyond that, requests wait for one to come back.
 *
 * <p>Used only from its event loop.
 */
final class ReplicaConnections {
  /** Gets a connection, or the reason none could be opened. Called on their event loop. */
  interface Callback {
    void acquired(ReplicaConnection connection);

    void failed(Throwable cause);
  }

  private final EventLoop loop;
  private final Clock clock;
  private final Bootstrap bootstrap;
  private final int max;
  /** Most recently used first, so the busiest connections stay warm and the rest age out. */
  private final ArrayDeque<ReplicaConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Callback> waiting = new ArrayDeque<>();
  private int open;
  private boolean closed;

  ReplicaConnections(
      EventLoop loop, String host, int port, int connectTimeoutMillis, int max,
      AddressResolverGroup<? extends SocketAddress> resolver, Clock clock) {
    this.loop = loop;
    this.clock = clock;
    this.max = max;
    ReplicaConnections owner = this;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(Transport.IO.client())
            .resolver(resolver)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .remoteAddress(InetSocketAddress.createUnresolved(host, port))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ReplicaConnection(owner));
                  }
                });
  }

  /** The event loop its connections live on. */
  EventLoop loop() {
    return loop;
  }

  /** A connection for one exchange: an idle one, a new one, or the next to come back. */
  void acquire(Callback callback) {
    ReplicaConnection c;
    while ((c = idle.pollFirst()) != null) {
      if (c.channel().isActive()) {
        callback.acquired(c);
        return;
      }
    }
    if (closed) {
      callback.failed(new IllegalStateException("the gateway is shutting down"));
    } else if (open < max) {
      connect(callback);
    } else {
      waiting.add(callback);
    }
  }

  private void connect(Callback callback) {
    open++;
    ChannelFuture connecting = bootstrap.connect();
    connecting.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess()) {
                callback.acquired(f.channel().pipeline().get(ReplicaConnection.class));
              } else {
                // A connection that never opened is never closed either: count it out here.
                open--;
                callback.failed(f.cause());
                serveWaiting();
              }
            });
  }

  /** A connection finished its exchange and may carry another. */
  void release(ReplicaConnection c) {
    if (closed) {
      c.channel().close();
      return;
    }
    Callback next = waiting.poll();
    if (next != null) {
      next.acquired(c);
      return;
    }
    c.idleSince = clock.nanoTime();
    idle.addFirst(c);
  }

  /** A connection closed, busy or idle. */
  void closed(ReplicaConnection c) {
    open--;
    idle.remove(c);
    serveWaiting();
  }

  private void serveWaiting() {
    if (!closed && open < max && !waiting.isEmpty()) {
      connect(waiting.poll());
    }
  }

  /** Closes connections idle since before {@code now - maxIdleNanos}, on the clock it was given. */
  void closeIdle(long now, long maxIdleNanos) {
    // Least recently used at the end.
    Iterator<ReplicaConnection> oldest = idle.descendingIterator();
    while (oldest.hasNext()) {
      ReplicaConnection c = oldest.next();
      if (now - c.idleSince < maxIdleNanos) {
        return;
      }
      oldest.remove();
      c.channel().close();
    }
  }

  /** Closes the idle connections now and the busy ones when their exchange ends; fails waiters. */
  void close() {
    closed = true;
    ReplicaConnection c;
    // Polled, not iterated: closing one removes it from the deque.
    while ((c = idle.poll()) != null) {
      c.channel().close();
    }
    Callback w;
    while ((w = waiting.poll()) != null) {
      w.failed(new IllegalStateException("the gateway is shutting down"));
    }
  }
}
