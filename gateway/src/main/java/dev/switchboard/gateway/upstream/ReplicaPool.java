package dev.switchboard.gateway.upstream;

import dev.switchboard.core.Clock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.balance.Balancer;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.core.balance.Balancers;
import dev.switchboard.core.balance.ShortestExpectedDelayBalancer;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaSet;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.gateway.admission.PoolAdmission;
import dev.switchboard.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicas serving a set of models, and the balancer choosing among them. The routable subset
 * is an immutable {@link ReplicaSet} rebuilt whenever a replica changes state, so the request path
 * reads it without locks (gRPC's picker pattern).
 */
public final class ReplicaPool {
  private final String name;
  private final List<String> models;
  private final Balancer balancer;
  private final List<UpstreamReplica> replicas;
  private volatile ReplicaSet routable;
  private volatile Outcomes outcomes = Outcomes.NONE;
  private volatile PoolAdmission admission;

  public ReplicaPool(
      GatewayConfig.PoolConfig config, BalancerOptions options, Duration decay, Clock clock) {
    this.name = config.name();
    this.models = config.models();
    this.balancer = Balancers.create(config.balancer(), options, Randomness.threadLocal());
    List<UpstreamReplica> list = new ArrayList<>();
    for (int i = 0; i < config.replicas().size(); i++) {
      GatewayConfig.Upstream u = config.replicas().get(i);
      Replica replica =
          new Replica(u.id(), i, u.weight(), clock, decay, learnsServiceRate(config.balancer()));
      list.add(new UpstreamReplica(replica, u.host(), u.port()));
    }
    this.replicas = List.copyOf(list);
    refresh();
  }

  private static boolean learnsServiceRate(String balancer) {
    return balancer.equals(ShortestExpectedDelayBalancer.NAME);
  }

  public String name() {
    return name;
  }

  public List<String> models() {
    return models;
  }

  public Balancer balancer() {
    return balancer;
  }

  public List<UpstreamReplica> replicas() {
    return replicas;
  }

  public UpstreamReplica get(int index) {
    return replicas.get(index);
  }

  /** Where the proxy reports how each try went (the pool's health monitor). */
  public Outcomes outcomes() {
    return outcomes;
  }

  public void setOutcomes(Outcomes outcomes) {
    this.outcomes = outcomes;
  }

  /** The pool's admission control, or null when requests are never held at the gateway. */
  public PoolAdmission admission() {
    return admission;
  }

  public void setAdmission(PoolAdmission admission) {
    this.admission = admission;
  }

  /** The replicas a request may go to now. */
  public ReplicaSet routable() {
    return routable;
  }

  /** Changes a replica's state and republishes the routable set. */
  public synchronized void setState(UpstreamReplica u, ReplicaState state) {
    if (u.replica().state() != state) {
      u.replica().setState(state);
      refresh();
    }
  }

  private synchronized void refresh() {
    List<Replica> ready = new ArrayList<>();
    for (UpstreamReplica u : replicas) {
      if (u.replica().state().isRoutable()) {
        ready.add(u.replica());
      }
    }
    routable = ReplicaSet.of(ready);
  }
}
