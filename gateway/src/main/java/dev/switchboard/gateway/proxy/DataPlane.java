package dev.switchboard.gateway.proxy;

import dev.switchboard.core.Clock;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.gateway.auth.Authenticator;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.ratelimit.GatewayRateLimiter;
import dev.switchboard.gateway.upstream.Router;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data plane's listener, on Netty directly: one event loop per core, each with its own
 * {@link LoopProxy}, so a client connection, its requests and their connections to replicas all
 * stay on one thread. Below Vert.x's request and response objects on purpose: this path carries
 * every request, and at this level a proxied request costs less CPU (see docs/benchmarks.md). The
 * health checks run on its loops too ({@link #fetcher()}); the admin listener stays on Vert.x.
 */
public final class DataPlane {
  private final EventLoopGroup group;
  private final Map<EventLoop, LoopProxy> loops = new IdentityHashMap<>();
  private final DnsAddressResolverGroup resolver;
  private final ReplicaFetcher fetcher;
  private final AtomicInteger openClients = new AtomicInteger();
  private final Clock clock;
  /** The listening sockets: one, or one per loop. */
  private final List<Channel> servers = new ArrayList<>();

  private DataPlane(
      int threads, Router router, Authenticator auth, RetryBudget retryBudget, GatewayRateLimiter rateLimiter,
      GatewayConfig config, String modelsJson, int connectionsPerReplica, Clock clock, Decisions decisions) {
    this.clock = clock;
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("switchboard-data"), Transport.IO.handler());
    // Names resolved without blocking a loop (the JDK's resolver would).
    this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(Transport.IO.datagram()));
    this.fetcher = new ReplicaFetcher(group, resolver);
    for (EventExecutor e : group) {
      EventLoop loop = (EventLoop) e;
      LoopProxy proxy =
          new LoopProxy(
              loop, router, auth, retryBudget, rateLimiter, config, modelsJson, connectionsPerReplica, resolver,
              openClients, clock, decisions);
      loops.put(loop, proxy);
      long every = proxy.sweepIntervalMillis();
      loop.scheduleAtFixedRate(proxy::sweep, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Binds the data plane to {@code config}'s data listener; the future completes once it listens. */
  public static CompletableFuture<DataPlane> start(
      GatewayConfig config, Router router, Authenticator auth, RetryBudget retryBudget,
      GatewayRateLimiter rateLimiter, String modelsJson, int connectionsPerReplica, Clock clock,
      Decisions decisions) {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    DataPlane plane =
        new DataPlane(
            threads, router, auth, retryBudget, rateLimiter, config, modelsJson, connectionsPerReplica, clock,
            decisions);
    List<EventLoop> each = new ArrayList<>(plane.loops.keySet());
    // One listening socket per loop where the kernel can spread connections over them; otherwise
    // one socket, on one loop, that hands each connection to the next loop in turn.
    boolean perLoop = config.data().reusePort() && Transport.IO == Transport.EPOLL && each.size() > 1;
    String host = config.data().host();
    CompletableFuture<Integer> bound =
        perLoop ? plane.listen(each.get(0), true, host, config.data().port())
            : plane.listen(plane.group, false, host, config.data().port());
    for (int i = 1; perLoop && i < each.size(); i++) {
      EventLoop loop = each.get(i);
      // Port 0 asks for a free port once: the other sockets join the first one's.
      bound = bound.thenCompose(port -> plane.listen(loop, true, host, port));
    }
    CompletableFuture<DataPlane> started = new CompletableFuture<>();
    bound.whenComplete(
        (port, failure) -> {
          if (failure == null) {
            started.complete(plane);
          } else {
            plane.servers.forEach(Channel::close);
            plane.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            started.completeExceptionally(failure);
          }
        });
    return started;
  }

  /**
   * Opens a listening socket whose connections go to {@code children} (one loop, or each loop in
   * turn); the port it got.
   */
  private CompletableFuture<Integer> listen(EventLoopGroup children, boolean reusePort, String host, int port) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(children, children)
            .channel(Transport.IO.server())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(loops.get(ch.eventLoop()).newConnection());
                  }
                });
    if (reusePort) {
      bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    bootstrap
        .bind(host, port)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    synchronized (servers) {
                      servers.add(f.channel());
                    }
                    bound.complete(((InetSocketAddress) f.channel().localAddress()).getPort());
                  } else {
                    bound.completeExceptionally(f.cause());
                  }
                });
    return bound;
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) servers.get(0).localAddress()).getPort();
  }

  public int listeningSockets() {
    return servers.size();
  }

  public int eventLoops() {
    return loops.size();
  }

  /** GETs from replicas on this data plane's loops, for the health checks. */
  public ReplicaFetcher fetcher() {
    return fetcher;
  }

  /** Where other periodic work of the gateway can run: one of the event loops. */
  public ScheduledExecutorService timers() {
    return group.next();
  }

  /** The socket transport in use: {@code epoll} or {@code nio}. */
  public String transport() {
    return Transport.IO.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Stops accepting, lets the requests in flight finish for up to {@code timeout}, then closes every
   * connection and stops the event loops.
   */
  public CompletableFuture<Void> drain(Duration timeout) {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    long deadline = clock.nanoTime() + timeout.toNanos();
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (Channel server : servers) {
      CompletableFuture<Void> c = new CompletableFuture<>();
      server.close().addListener(f -> c.complete(null));
      closed.add(c);
    }
    CompletableFuture.allOf(closed.toArray(CompletableFuture<?>[]::new))
        .thenRun(
            () -> {
              for (LoopProxy proxy : loops.values()) {
                proxy.loop.execute(proxy::drain);
              }
              awaitClients(deadline, drained);
            });
    return drained.thenCompose(
        v -> {
          CompletableFuture<Void> stopped = new CompletableFuture<>();
          resolver.close();
          group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> stopped.complete(null));
          return stopped;
        });
  }

  private void awaitClients(long deadline, CompletableFuture<Void> drained) {
    if (openClients.get() == 0 || clock.nanoTime() - deadline >= 0) {
      for (LoopProxy proxy : loops.values()) {
        proxy.loop.execute(proxy::closeAll);
      }
      drained.complete(null);
      return;
    }
    group.next().schedule(() -> awaitClients(deadline, drained), 20, TimeUnit.MILLISECONDS);
  }
}
