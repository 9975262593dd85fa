package dev.switchboard.core.admission;

/**
 * All waiting requests of one priority number, whatever their tier. They age at the same rate from
 * the same start, so the oldest of them always ranks best: the class competes with the others by
 * its oldest request's rank, in O(1).
 *
 * <p>Inside the class, tiers share dispatches by weight (stride scheduling over the non-empty
 * {@link TierLane}s, ties to the tier configured first), and each lane serves its tenants in
 * round robin.
 */
final class PriorityClass<E> extends IndexedHeap.Node {
  final int priority;
  Waiting<E> oldest;
  Waiting<E> newest;
  int size;

  private final TierLane<E>[] lanes;
  /** The pass of the lane served last: a lane that was empty starts here, with no credit banked. */
  private double virtualTime;

  @SuppressWarnings("unchecked")
  PriorityClass(int priority, int tierCount) {
    this.priority = priority;
    this.lanes = (TierLane<E>[]) new TierLane<?>[tierCount];
  }

  TierLane<E> lane(int tier, double stride) {
    TierLane<E> lane = lanes[tier];
    if (lane == null) {
      lane = new TierLane<>(this, tier, stride);
      lanes[tier] = lane;
    }
    return lane;
  }

  /** Adds the newest request of the class (its arrival is the latest so far). */
  void add(Waiting<E> w) {
    TierLane<E> lane = w.lane();
    if (lane.size == 0) {
      lane.pass = Math.max(lane.pass, virtualTime);
    }
    lane.add(w);
    w.olderInClass = newest;
    if (newest == null) {
      oldest = w;
    } else {
      newest.newerInClass = w;
    }
    newest = w;
    size++;
  }

  void remove(Waiting<E> w) {
    w.lane().remove(w);
    if (w.olderInClass == null) {
      oldest = w.newerInClass;
    } else {
      w.olderInClass.newerInClass = w.newerInClass;
    }
    if (w.newerInClass == null) {
      newest = w.olderInClass;
    } else {
      w.newerInClass.olderInClass = w.olderInClass;
    }
    w.olderInClass = null;
    w.newerInClass = null;
    size--;
  }

  /**
   * The request to dispatch next from this non-empty class, charging its lane and passing its
   * tenant's turn on; the caller removes it.
   */
  Waiting<E> takeTurn() {
    TierLane<E> best = null;
    for (TierLane<E> lane : lanes) {
      if (lane != null && lane.size > 0 && (best == null || lane.pass < best.pass)) {
        best = lane;
      }
    }
    virtualTime = best.pass;
    best.pass += best.stride;
    return best.takeTurn();
  }
}
