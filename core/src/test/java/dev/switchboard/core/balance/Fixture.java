package dev.switchboard.core.balance;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import java.time.Duration;

/** Replicas in known states on a manual clock, and pick counting, for the balancer tests. */
final class Fixture {
  static final long MS = 1_000_000L;
  static final Duration TAU = Duration.ofSeconds(10);

  final ManualClock clock = new ManualClock(1_000 * MS);

  Replica replica(int index) {
    return replica(index, 1.0);
  }

  Replica replica(int index, double weight) {
    return new Replica("r" + index, weight, clock, TAU);
  }

  /** Replicas indexed 0..n-1. */
  Replica[] replicas(int n) {
    Replica[] replicas = new Replica[n];
    for (int i = 0; i < n; i++) {
      replicas[i] = replica(i);
    }
    return replicas;
  }

  static ReplicaSet set(Replica... replicas) {
    return ReplicaSet.of(replicas);
  }

  /** Leaves {@code count} requests outstanding on {@code replica}, without moving the clock. */
  static void dispatch(Replica replica, int count) {
    for (int i = 0; i < count; i++) {
      replica.onDispatch();
    }
  }

  /** Serves one request alone on {@code replica}: dispatch, first byte after the latency, done. */
  void serve(Replica replica, long latencyNanos) {
    long start = replica.onDispatch();
    clock.advanceNanos(latencyNanos);
    replica.onFirstByte(start);
    replica.onComplete(start, true);
  }

  static Replica pickOne(Balancer balancer, ReplicaSet set) {
    return balancer.pick(set, RequestInfo.UNKNOWN).replica();
  }

  /**
   * How often each replica is chosen in {@code picks} picks, state unchanged, by the number in its
   * id ({@code r3} counts at 3).
   */
  static int[] count(Balancer balancer, ReplicaSet set, int picks) {
    int[] counts = new int[maxNumber(set) + 1];
    for (int i = 0; i < picks; i++) {
      counts[number(pickOne(balancer, set))]++;
    }
    return counts;
  }

  static int number(Replica replica) {
    return Integer.parseInt(replica.id().substring(1));
  }

  private static int maxNumber(ReplicaSet set) {
    int max = 0;
    for (int i = 0; i < set.size(); i++) {
      max = Math.max(max, number(set.get(i)));
    }
    return max;
  }
}
