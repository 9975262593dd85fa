package dev.switchboard.gateway.proxy;

import dev.switchboard.core.Clock;
import dev.switchboard.gateway.http.Http1;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs from replicas for the health checks ({@code /health}, {@code /metrics}) on the data plane's
 * event loops, with the data plane's own HTTP/1.1: a keep-alive pool of its own per replica (apart
 * from the requests it proxies), the answer read by {@link ReplicaResponseParser}, and one deadline
 * for the whole exchange, so a replica that trickles bytes still fails.
 *
 * <p>Why not a general HTTP client: a probe runs once a second, too seldom for the JIT to compile a
 * client's code, so every probe ran that code in the interpreter, a millisecond or more of CPU at
 * once, while requests waited for the core (see docs/benchmarks.md). Here nearly every step is
 * code the proxied requests keep compiled, and the work joins an event loop that is awake anyway.
 *
 * <p>Safe to call from any thread; each replica's exchanges run on one event loop, where the
 * future completes.
 */
public final class ReplicaFetcher implements AutoCloseable {
  /** An answer read in full. */
  public record Reply(int status, byte[] body) {
    public boolean isSuccess() {
      return status >= 200 && status < 300;
    }
  }

  /** Longest body accepted: a replica's metrics run to tens of kilobytes. */
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  /** A probe and a scrape at once, with room to spare. */
  private static final int CONNECTIONS_PER_REPLICA = 2;

  private final EventLoopGroup group;
  private final AddressResolverGroup<? extends SocketAddress> resolver;
  private final boolean owned;
  private final ConcurrentHashMap<UpstreamReplica, ReplicaConnections> connections = new ConcurrentHashMap<>();

  ReplicaFetcher(EventLoopGroup group, AddressResolverGroup<? extends SocketAddress> resolver) {
    this(group, resolver, false);
  }

  private ReplicaFetcher(
      EventLoopGroup group, AddressResolverGroup<? extends SocketAddress> resolver, boolean owned) {
    this.group = group;
    this.resolver = resolver;
    this.owned = owned;
  }

  /** One with event loops of its own, for use apart from a data plane; {@link #close()} stops them. */
  public static ReplicaFetcher standalone(int threads) {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("switchboard-fetch"), Transport.IO.handler());
    DnsAddressResolverGroup resolver =
        new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(Transport.IO.datagram()));
    return new ReplicaFetcher(group, resolver, true);
  }

  /**
   * Where periodic work that uses this fetcher can run: one of its event loops. The GETs started
   * there run there too.
   */
  public ScheduledExecutorService timers() {
    return group.next();
  }

  /**
   * GETs {@code path} from {@code replica}. The future fails with a {@link TimeoutException} if the
   * whole answer has not come within {@code timeoutMillis}, with an {@link IOException} if the
   * connection fails or the answer is malformed or longer than {@value #MAX_BODY_BYTES} bytes.
   */
  public CompletableFuture<Reply> get(UpstreamReplica replica, String path, long timeoutMillis) {
    ReplicaConnections to = connections.computeIfAbsent(replica, r -> open(r, timeoutMillis));
    Fetch fetch = new Fetch(to, replica, path, timeoutMillis);
    EventLoop loop = to.loop();
    if (loop.inEventLoop()) {
      fetch.start();
    } else {
      loop.execute(fetch::start);
    }
    return fetch.result;
  }

  private ReplicaConnections open(UpstreamReplica r, long timeoutMillis) {
    int connectMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis));
    // On the caller's loop when it is one of ours (a health check's timer): its GETs then start
    // without waking another thread.
    EventLoop loop = null;
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        loop = (EventLoop) e;
      }
    }
    return new ReplicaConnections(
        loop != null ? loop : group.next(), r.host(), r.port(), connectMs, CONNECTIONS_PER_REPLICA, resolver,
        Clock.system());
  }

  /** {@code replica} left its pool: its connections close, busy ones once their fetch ends. */
  public void forget(UpstreamReplica replica) {
    ReplicaConnections c = connections.remove(replica);
    if (c != null) {
      c.loop().execute(c::close);
    }
  }

  /** Closes the idle connections; if the fetcher has loops of its own, stops them too. */
  @Override
  public void close() {
    for (ReplicaConnections c : connections.values()) {
      c.loop().execute(c::close);
    }
    if (owned) {
      resolver.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** One GET, on its connections' event loop. */
  private static final class Fetch implements ReplicaConnections.Callback, ReplicaConnection.Listener {
    final CompletableFuture<Reply> result = new CompletableFuture<>();
    private final ReplicaConnections connections;
    private final UpstreamReplica replica;
    private final String path;
    private final long timeoutMillis;
    private ScheduledFuture<?> deadline;
    private ReplicaConnection connection;
    private boolean retried;
    private int status = -1;
    private ByteBuf body;

    Fetch(ReplicaConnections connections, UpstreamReplica replica, String path, long timeoutMillis) {
      this.connections = connections;
      this.replica = replica;
      this.path = path;
      this.timeoutMillis = timeoutMillis;
    }

    void start() {
      deadline = connections.loop().schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
      connections.acquire(this);
    }

    @Override
    public void acquired(ReplicaConnection c) {
      if (result.isDone()) {
        connections.release(c); // the deadline passed while it connected; nothing was sent on it
        return;
      }
      connection = c;
      ByteBuf head = c.channel().alloc().buffer(64 + path.length());
      Http1.requestLine(head, "GET", path);
      Http1.header(head, HttpHeaderNames.HOST, replica.hostHeader());
      Http1.endOfHead(head);
      c.send(this, head, null);
    }

    @Override
    public void failed(Throwable cause) {
      fail(cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause));
    }

    @Override
    public void onHead(ReplicaConnection c, ReplicaResponse head) {
      status = head.status();
      body = Unpooled.buffer((int) Math.min(Math.max(head.contentLength(), 256), MAX_BODY_BYTES));
    }

    @Override
    public void onBody(ByteBuf piece) {
      try {
        if (body == null) {
          return; // over already
        }
        if (body.readableBytes() + piece.readableBytes() > MAX_BODY_BYTES) {
          connection.abandon();
          fail(new IOException("GET " + path + " on " + replica + ": answer over " + MAX_BODY_BYTES + " bytes"));
          return;
        }
        body.writeBytes(piece);
      } finally {
        piece.release();
      }
    }

    @Override
    public void onEnd() {
      connection = null;
      if (body == null) {
        return; // over already
      }
      deadline.cancel(false);
      byte[] bytes = new byte[body.readableBytes()];
      body.readBytes(bytes);
      dropBody();
      result.complete(new Reply(status, bytes));
    }

    @Override
    public void onReadComplete() {}

    @Override
    public void onFailure(Throwable cause) {
      dropBody();
      boolean reused = connection.reused();
      connection = null;
      if (reused && status < 0 && !retried && !result.isDone()) {
        // The replica may have closed the idle connection just as the request went out: a GET
        // may go again, once, on a new connection.
        retried = true;
        connections.acquire(this);
        return;
      }
      fail(cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause));
    }

    private void expire() {
      if (result.completeExceptionally(
          new TimeoutException("GET " + path + " on " + replica + " took over " + timeoutMillis + " ms"))) {
        // Closed, since the rest of the answer would otherwise be read by the next exchange.
        if (connection != null) {
          connection.abandon();
          connection = null;
        }
        dropBody();
      }
    }

    private void fail(IOException cause) {
      if (result.completeExceptionally(cause)) {
        deadline.cancel(false);
        dropBody();
      }
    }

    private void dropBody() {
      if (body != null) {
        body.release();
        body = null;
      }
    }
  }
}
