package dev.switchboard.gateway.upstream;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.Clock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.balance.Balancer;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.core.balance.Balancers;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.balance.ShortestExpectedDelayBalancer;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.health.OutlierPolicy;
import dev.switchboard.core.health.ReplicaHealth;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.gateway.admission.PoolAdmission;
import dev.switchboard.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The replicas serving a set of models, and the balancer choosing among them. Membership and
 * replica states are the core {@link ReplicaGroup}'s, which republishes the routable {@link
 * ReplicaSet} on every change, so the request path reads it without locks (gRPC's picker
 * pattern); each member's endpoint is an {@link UpstreamReplica}.
 */
public final class ReplicaPool {
  private final String name;
  private final List<String> models;
  private final Balancer balancer;
  private final ReplicaGroup<UpstreamReplica> group;
  private final ReplicaHealth health;
  private final boolean learnServiceRate;
  private final Duration decay;
  private final Clock clock;
  /** Null when requests are never held at the gateway. */
  private final PoolAdmission admission;
  private volatile Outcomes outcomes;

  /**
   * @param admission the admission settings, or null for none
   */
  public ReplicaPool(
      GatewayConfig.PoolConfig config,
      BalancerOptions options,
      Duration decay,
      OutlierPolicy outliers,
      AdmissionConfig admission,
      Clock clock,
      Decisions decisions) {
    this.name = config.name();
    this.models = config.models();
    this.balancer = Balancers.create(config.balancer(), options, Randomness.threadLocal());
    this.learnServiceRate = config.balancer().equals(ShortestExpectedDelayBalancer.NAME);
    this.decay = Objects.requireNonNull(decay, "decay");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.group = new ReplicaGroup<>(name, clock, decisions);
    this.health = new ReplicaHealth(group, outliers, clock);
    this.outcomes = new ToHealth(health);
    for (GatewayConfig.Upstream u : config.replicas()) {
      add(u.id(), u.weight(), u.host(), u.port(), ReplicaState.READY);
    }
    this.admission = admission == null ? null : new PoolAdmission(group::routable, admission, clock);
  }

  /** Adds a replica listening at {@code host:port}, in state {@code state}. */
  public UpstreamReplica add(String id, double weight, String host, int port, ReplicaState state) {
    Replica replica = new Replica(id, weight, clock, decay, learnServiceRate);
    replica.setState(state);
    UpstreamReplica u = new UpstreamReplica(replica, host, port);
    group.add(replica, u);
    return u;
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

  /** Membership and replica states. */
  public ReplicaGroup<UpstreamReplica> group() {
    return group;
  }

  /** Outlier ejection, probes and the one state rule, on this pool's group. */
  public ReplicaHealth health() {
    return health;
  }

  /** Every member's endpoint, in the order they joined. */
  public List<UpstreamReplica> replicas() {
    List<UpstreamReplica> out = new ArrayList<>();
    for (Replica r : group.members()) {
      UpstreamReplica u = group.endpoint(r);
      if (u != null) {
        out.add(u);
      }
    }
    return out;
  }

  /** Where {@code replica} listens, or null once it has left the pool. */
  public UpstreamReplica upstream(Replica replica) {
    return group.endpoint(replica);
  }

  /** Where the proxy reports how each try went: the pool's {@link ReplicaHealth}, unless replaced. */
  public Outcomes outcomes() {
    return outcomes;
  }

  /** Sends the proxy's outcomes elsewhere than the pool's health (a test watching them). */
  public void setOutcomes(Outcomes outcomes) {
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
  }

  /** The pool's admission control, or null when requests are never held at the gateway. */
  public PoolAdmission admission() {
    return admission;
  }

  /** The replicas a request may go to now. */
  public ReplicaSet routable() {
    return group.routable();
  }

  /** Changes a replica's state and republishes the routable set. */
  public void setState(UpstreamReplica u, ReplicaState state, String reason) {
    group.setState(u.replica(), state, reason);
  }

  /** Each try's outcome to the core's outlier detection. */
  private record ToHealth(ReplicaHealth health) implements Outcomes {
    @Override
    public void onSuccess(UpstreamReplica replica) {
      health.onSuccess(replica.replica());
    }

    @Override
    public void onFailure(UpstreamReplica replica) {
      health.onFailure(replica.replica());
    }
  }
}
