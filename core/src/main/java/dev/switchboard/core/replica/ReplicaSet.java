package dev.switchboard.core.replica;

import java.util.List;

/**
 * An immutable snapshot of the replicas a request may go to, in the spirit of gRPC's
 * {@code SubchannelPicker}: the runtime rebuilds it when membership or health changes, and
 * balancers read it without locks. Indexing is by position in the set, not {@link Replica#index()}.
 */
public final class ReplicaSet {
  private static final ReplicaSet EMPTY = new ReplicaSet(new Replica[0]);

  private final Replica[] replicas;

  private ReplicaSet(Replica[] replicas) {
    this.replicas = replicas;
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

  public List<Replica> asList() {
    return List.of(replicas);
  }

  @Override
  public String toString() {
    return "ReplicaSet" + asList();
  }
}
