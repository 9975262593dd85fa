package dev.switchboard.gateway.proxy;

import dev.switchboard.core.Clock;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.function.Function;

/**
 * One event loop's keep-alive connections to every replica, a {@link ReplicaConnections} for each,
 * made the first time a request goes to the replica from this loop.
 *
 * <p>Used only from its event loop.
 */
final class ConnectionsToReplicas {
  private final HashMap<UpstreamReplica, ReplicaConnections> byReplica = new HashMap<>();
  private final Function<UpstreamReplica, ReplicaConnections> open;
  private boolean closed;

  /** {@code open} makes the connections to a replica, at its first request. */
  ConnectionsToReplicas(Function<UpstreamReplica, ReplicaConnections> open) {
    this.open = open;
  }

  /** Connections opened on {@code loop} over the network, with these settings. */
  static ConnectionsToReplicas onLoop(
      EventLoop loop, int connectTimeoutMillis, int perReplica, AddressResolverGroup<? extends SocketAddress> resolver,
      Clock clock) {
    return new ConnectionsToReplicas(
        r -> new ReplicaConnections(loop, r.host(), r.port(), connectTimeoutMillis, perReplica, resolver, clock));
  }

  /** The connections to {@code replica}. */
  ReplicaConnections to(UpstreamReplica replica) {
    ReplicaConnections c = byReplica.get(replica);
    if (c == null) {
      c = open.apply(replica);
      if (closed) {
        c.close();
      }
      byReplica.put(replica, c);
    }
    return c;
  }

  /**
   * {@code replica} left its pool: its connections close (busy ones once their exchange ends), and
   * nothing here keeps it.
   */
  void forget(UpstreamReplica replica) {
    ReplicaConnections c = byReplica.remove(replica);
    if (c != null) {
      c.close();
    }
  }

  /** Closes connections idle since before {@code now - maxIdleNanos}. */
  void closeIdle(long now, long maxIdleNanos) {
    for (ReplicaConnections c : byReplica.values()) {
      c.closeIdle(now, maxIdleNanos);
    }
  }

  /** The gateway is stopping: idle connections close now, busy ones once their exchange ends. */
  void close() {
    closed = true;
    for (ReplicaConnections c : byReplica.values()) {
      c.close();
    }
  }
}
