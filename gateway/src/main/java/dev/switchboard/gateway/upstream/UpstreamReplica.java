package dev.switchboard.gateway.upstream;

import dev.switchboard.core.replica.Replica;

/** A replica the gateway forwards to: the core's view of it plus where it listens. */
public final class UpstreamReplica {
  private final Replica replica;
  private final String host;
  private final int port;

  public UpstreamReplica(Replica replica, String host, int port) {
    this.replica = replica;
    this.host = host;
    this.port = port;
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

  @Override
  public String toString() {
    return replica.id() + "@" + host + ":" + port;
  }
}
