package dev.switchboard.core.fleet;

import dev.switchboard.core.Clock;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.ReplicaJoined;
import dev.switchboard.core.event.ReplicaLeft;
import dev.switchboard.core.event.ReplicaStateChanged;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The replicas of one pool, as they come and go: the one owner of membership and replica states,
 * in the gateway and in the simulator alike.
 *
 * <p>Rules, exactly:
 *
 * <ul>
 *   <li><b>Identity.</b> A replica is known by its id for as long as it is a member; two members
 *       never share an id. Nothing is found by position: positions in {@link #routable()} are the
 *       snapshot's own.
 *   <li><b>Routable.</b> {@link #routable()} holds exactly the members in a {@link
 *       ReplicaState#isRoutable() routable} state, in the order they joined. It is an immutable
 *       snapshot, replaced (never changed) on every change, so readers take no lock.
 *   <li><b>Drain.</b> {@link #drain} takes a replica out of the routable set for good: it takes no
 *       new request, and those it has finish. Health never brings a draining replica back (see
 *       {@code HealthStateRule}). Once a draining replica has nothing in flight, {@link #drained()}
 *       lists it for the runtime to {@link #remove}.
 *   <li><b>Remove.</b> A removed replica is gone from the group at once. Requests already on it
 *       still finish and report to their {@link Replica} object; they just no longer count for the
 *       pool.
 *   <li><b>Telling.</b> Every change is told, after it is made and outside the group's lock, to
 *       the group's {@link Listener}s (in subscription order) and as a decision event
 *       ({@link ReplicaJoined}, {@link ReplicaStateChanged}, {@link ReplicaLeft}).
 * </ul>
 *
 * <p>Thread-safe: changes take the group's lock; reads ({@link #routable()}, {@link #endpoint},
 * {@link #members()}) read volatile snapshots.
 *
 * @param <E> what the runtime keeps per replica: where it listens live, its model in the simulator
 */
public final class ReplicaGroup<E> {

  /** Told of every membership or state change, after it is made. */
  public interface Listener<E> {
    default void joined(Replica replica, E endpoint) {}

    default void stateChanged(Replica replica, ReplicaState from, ReplicaState to, String reason) {}

    default void left(Replica replica, E endpoint) {}
  }

  private final String pool;
  private final Clock clock;
  private final Decisions decisions;
  private final List<Listener<E>> listeners = new CopyOnWriteArrayList<>();
  private volatile Snapshot<E> snapshot = new Snapshot<>(List.of(), new IdentityHashMap<>(), ReplicaSet.empty());

  /**
   * @param pool the pool's name, for events
   * @param clock stamps the events
   * @param decisions where the events go
   */
  public ReplicaGroup(String pool, Clock clock, Decisions decisions) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.decisions = Objects.requireNonNull(decisions, "decisions");
  }

  public String pool() {
    return pool;
  }

  public void subscribe(Listener<E> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Adds {@code replica}, in the state it is in now.
   *
   * @throws IllegalArgumentException when a member already has its id
   */
  public void add(Replica replica, E endpoint) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(endpoint, "endpoint");
    synchronized (this) {
      Snapshot<E> now = snapshot;
      if (find(replica.id()) != null) {
        throw new IllegalArgumentException("pool " + pool + " already has a replica " + replica.id());
      }
      List<Replica> members = new ArrayList<>(now.members);
      members.add(replica);
      Map<Replica, E> endpoints = new IdentityHashMap<>(now.endpoints);
      endpoints.put(replica, endpoint);
      publish(members, endpoints);
    }
    for (Listener<E> l : listeners) {
      l.joined(replica, endpoint);
    }
    if (decisions.active()) {
      decisions.publish(new ReplicaJoined(clock.nanoTime(), pool, replica.id(), replica.state()));
    }
  }

  /**
   * Moves a member to {@code to}; nothing happens if it is in that state already or is no longer a
   * member.
   *
   * @return whether the state changed
   */
  public boolean setState(Replica replica, ReplicaState to, String reason) {
    Objects.requireNonNull(to, "to");
    ReplicaState from;
    synchronized (this) {
      from = replica.state();
      if (from == to || !snapshot.endpoints.containsKey(replica)) {
        return false;
      }
      replica.setState(to);
      if (from.isRoutable() != to.isRoutable()) {
        Snapshot<E> now = snapshot;
        publish(now.members, now.endpoints);
      }
    }
    for (Listener<E> l : listeners) {
      l.stateChanged(replica, from, to, reason);
    }
    if (decisions.active()) {
      decisions.publish(new ReplicaStateChanged(clock.nanoTime(), pool, replica.id(), from, to, reason));
    }
    return true;
  }

  /** No new requests for {@code replica}; those it has finish. */
  public boolean drain(Replica replica, String reason) {
    return setState(replica, ReplicaState.DRAINING, reason);
  }

  /**
   * Takes {@code replica} out of the group.
   *
   * @return whether it was a member
   */
  public boolean remove(Replica replica, String reason) {
    E endpoint;
    synchronized (this) {
      Snapshot<E> now = snapshot;
      endpoint = now.endpoints.get(replica);
      if (endpoint == null) {
        return false;
      }
      List<Replica> members = new ArrayList<>(now.members);
      members.remove(replica);
      Map<Replica, E> endpoints = new IdentityHashMap<>(now.endpoints);
      endpoints.remove(replica);
      publish(members, endpoints);
    }
    for (Listener<E> l : listeners) {
      l.left(replica, endpoint);
    }
    if (decisions.active()) {
      decisions.publish(new ReplicaLeft(clock.nanoTime(), pool, replica.id(), reason));
    }
    return true;
  }

  /** Draining members with nothing in flight: ready to {@link #remove}. */
  public List<Replica> drained() {
    List<Replica> out = new ArrayList<>();
    for (Replica r : snapshot.members) {
      if (r.state() == ReplicaState.DRAINING && r.inFlight() == 0) {
        out.add(r);
      }
    }
    return out;
  }

  /** The members a request may go to now. */
  public ReplicaSet routable() {
    return snapshot.routable;
  }

  /** Every member, in the order they joined. */
  public List<Replica> members() {
    return snapshot.members;
  }

  public int size() {
    return snapshot.members.size();
  }

  /** The member with this id, or null. */
  public Replica find(String id) {
    for (Replica r : snapshot.members) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }

  /** What the runtime keeps for {@code replica}, or null once it has left. */
  public E endpoint(Replica replica) {
    return snapshot.endpoints.get(replica);
  }

  public boolean contains(Replica replica) {
    return snapshot.endpoints.containsKey(replica);
  }

  private void publish(List<Replica> members, Map<Replica, E> endpoints) {
    snapshot = new Snapshot<>(List.copyOf(members), endpoints, ReplicaSet.routable(members));
  }

  @Override
  public String toString() {
    return "ReplicaGroup[" + pool + ", " + snapshot.members + "]";
  }

  /** Members, endpoints and the routable set, published together; never changed once published. */
  private record Snapshot<E>(List<Replica> members, Map<Replica, E> endpoints, ReplicaSet routable) {}
}
