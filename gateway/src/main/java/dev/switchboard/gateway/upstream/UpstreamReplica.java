package dev.switchboard.gateway.upstream;

import dev.switchboard.core.replica.Replica;
import io.netty.util.AsciiString;

/** A replica the gateway forwards to: the core's view of it plus where it listens. */
public final class UpstreamReplica {
  private final Replica replica;
  private final String host;
  private final int port;
  /** As bytes, since every request to the replica carries it. */
  private final AsciiString hostHeader;

  public UpstreamReplica(Replica replica, String host, int port) {
    this.replica = replica;
    this.host = host;
    this.port = port;
    this.hostHeader = new AsciiString((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
  }

  public Replica replica() {
    return replica;
  }

  public String id() {
    return replica.id();
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The {@code Host} header of requests to it. */
  public AsciiString hostHeader() {
    return hostHeader;
  }

  @Override
  public String toString() {
    return replica.id() + "@" + host + ":" + port;
  }
}
