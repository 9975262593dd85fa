package dev.switchboard.core.balance;

import dev.switchboard.core.replica.Replica;
import java.util.Objects;

/**
 * A balancer's decision, immutable, made with static factories as gRPC's {@code PickResult}: send
 * the request to a replica, or no replica could take it (and why).
 *
 * <p>Routing to a replica returns the instance its {@link ReplicaSet} made for it ({@link
 * ReplicaSet#pick(int)}), so a pick allocates nothing.
 */
public final class Pick {
  private static final Pick NO_REPLICA = new Pick(null, "no routable replica");

  private final Replica replica;
  private final String reason;

  private Pick(Replica replica, String reason) {
    this.replica = replica;
    this.reason = reason;
  }

  /** For {@link ReplicaSet} to build one instance per position; balancers use {@link ReplicaSet#pick(int)}. */
  static Pick route(Replica replica) {
    return new Pick(Objects.requireNonNull(replica, "replica"), "");
  }

  /** No candidate at all. */
  public static Pick noReplica() {
    return NO_REPLICA;
  }

  /** No replica can take the request, for the reason given (shown to operators). */
  public static Pick noReplica(String reason) {
    return new Pick(null, Objects.requireNonNull(reason, "reason"));
  }

  public boolean hasReplica() {
    return replica != null;
  }

  /** The chosen replica; only when {@link #hasReplica()}. */
  public Replica replica() {
    if (replica == null) {
      throw new IllegalStateException("no replica was picked: " + reason);
    }
    return replica;
  }

  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return replica != null ? "Pick[" + replica.id() + "]" : "Pick[none: " + reason + "]";
  }
}
