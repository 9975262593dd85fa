package dev.switchboard.core.balance;

import dev.switchboard.core.replica.Replica;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An immutable snapshot of the replicas a request may go to, in the spirit of gRPC's
 * {@code SubchannelPicker}: the runtime rebuilds it when membership or health changes, and
 * balancers read it without locks. Positions are positions in this set only; a replica has no
 * fixed number, since replicas come and go.
 *
 * <p>Each position carries the {@link Pick} routing to its replica, made with the set, so a
 * balancer's decision allocates nothing.
 */
public final class ReplicaSet {
  private static final ReplicaSet EMPTY = new ReplicaSet(new Replica[0]);

  private final Replica[] replicas;
  private final Pick[] picks;

  private ReplicaSet(Replica[] replicas) {
    this.replicas = replicas;
    this.picks = new Pick[replicas.length];
    for (int i = 0; i < replicas.length; i++) {
      picks[i] = Pick.route(replicas[i]);
    }
  }

  public static ReplicaSet of(List<Replica> replicas) {
    return replicas.isEmpty() ? EMPTY : new ReplicaSet(replicas.toArray(new Replica[0]));
  }

  public static ReplicaSet of(Replica... replicas) {
    return replicas.length == 0 ? EMPTY : new ReplicaSet(replicas.clone());
  }

  /** The routable ones of {@code replicas}, in order. */
  public static ReplicaSet routable(List<Replica> replicas) {
    return of(replicas.stream().filter(r -> r.state().isRoutable()).toList());
  }

  public static ReplicaSet empty() {
    return EMPTY;
  }

  public int size() {
    return replicas.length;
  }

  public boolean isEmpty() {
    return replicas.length == 0;
  }

  public Replica get(int position) {
    return replicas[position];
  }

  /** The decision routing to the replica at {@code position}; the same instance every time. */
  public Pick pick(int position) {
    return picks[position];
  }

  /** This set less {@code excluded} (a retry goes to a replica not tried yet); this set if none is in it. */
  public ReplicaSet without(Collection<Replica> excluded) {
    List<Replica> keep = new ArrayList<>(replicas.length);
    for (Replica r : replicas) {
      if (!excluded.contains(r)) {
        keep.add(r);
      }
    }
    return keep.size() == replicas.length ? this : of(keep);
  }

  public List<Replica> asList() {
    return List.of(replicas);
  }

  @Override
  public String toString() {
    return "ReplicaSet" + asList();
  }
}
