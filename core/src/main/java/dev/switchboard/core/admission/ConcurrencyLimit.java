package dev.switchboard.core.admission;

import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a replica can take one more request now, or the request should wait in the {@link
 * AdmissionQueue}. A replica can while its requests in flight from this runtime are below
 * {@code maxInFlight}, or below {@code hardCap} while its last load report shows nothing waiting
 * inside the engine. An engine with a waiting queue is saturated: a request sent to it would only
 * queue there, in FIFO order and out of reach of the gateway's priorities and deadlines.
 *
 * <p>A replica that has never reported is held to {@code maxInFlight}: without a report there is
 * nothing to infer from. A pure function of the replicas' state; immutable and thread-safe.
 */
public final class ConcurrencyLimit {
  private final int maxInFlight;
  private final int hardCap;

  private ConcurrencyLimit(int maxInFlight, int hardCap) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("max_in_flight: must be >= 1, was " + maxInFlight);
    }
    if (hardCap < maxInFlight) {
      throw new IllegalArgumentException(
          "hard_cap: must be >= max_in_flight (" + maxInFlight + "), was " + hardCap);
    }
    this.maxInFlight = maxInFlight;
    this.hardCap = hardCap;
  }

  /** At most {@code maxInFlight} per replica, whatever it reports. */
  public static ConcurrencyLimit fixed(int maxInFlight) {
    return new ConcurrencyLimit(maxInFlight, maxInFlight);
  }

  /**
   * {@code maxInFlight} per replica, and up to {@code hardCap} while the replica reports an empty
   * waiting queue.
   */
  public static ConcurrencyLimit inferred(int maxInFlight, int hardCap) {
    return new ConcurrencyLimit(maxInFlight, hardCap);
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public int hardCap() {
    return hardCap;
  }

  /** Whether {@code replica} can take one more request. */
  public boolean hasCapacity(Replica replica) {
    int inFlight = replica.inFlight();
    if (inFlight < maxInFlight) {
      return true;
    }
    return inFlight < hardCap && replica.load().isKnown() && replica.load().waiting() == 0;
  }

  /**
   * How many more requests {@code candidates} can take in all: what a runtime that dispatches
   * asynchronously may hand out before the in-flight counts catch up.
   */
  public int freeSlots(ReplicaSet candidates) {
    int free = 0;
    for (int i = 0; i < candidates.size(); i++) {
      Replica r = candidates.get(i);
      boolean open = r.load().isKnown() && r.load().waiting() == 0;
      free += Math.max(0, (open ? hardCap : maxInFlight) - r.inFlight());
    }
    return free;
  }

  /** Whether any of {@code candidates} can take one more request; false when there are none. */
  public boolean hasCapacity(ReplicaSet candidates) {
    for (int i = 0; i < candidates.size(); i++) {
      if (hasCapacity(candidates.get(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The candidates that can take one more request, in order, for the balancer to choose from.
   * Returns {@code candidates} itself when all can, so the common case allocates nothing.
   */
  public ReplicaSet eligible(ReplicaSet candidates) {
    int first = 0;
    while (first < candidates.size() && hasCapacity(candidates.get(first))) {
      first++;
    }
    if (first == candidates.size()) {
      return candidates;
    }
    List<Replica> some = new ArrayList<>(candidates.size() - 1);
    for (int i = 0; i < candidates.size(); i++) {
      // Each replica is judged once: its count may move while we look.
      if (i != first && (i < first || hasCapacity(candidates.get(i)))) {
        some.add(candidates.get(i));
      }
    }
    return ReplicaSet.of(some);
  }

  @Override
  public String toString() {
    return maxInFlight == hardCap
        ? "ConcurrencyLimit[" + maxInFlight + "]"
        : "ConcurrencyLimit[" + maxInFlight + ", up to " + hardCap + " while not saturated]";
  }
}
