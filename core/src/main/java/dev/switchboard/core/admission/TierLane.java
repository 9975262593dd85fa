package dev.switchboard.core.admission;

import java.util.HashMap;
import java.util.Map;

/**
 * The requests of one tier in one {@link PriorityClass}, served tenant by tenant in round robin so
 * that one tenant's burst waits behind a single request of each other tenant, not behind itself.
 *
 * <p>Tenant queues are kept once created: tenants come from API keys, a bounded set, and keeping
 * them means a steady stream of requests allocates nothing here.
 */
final class TierLane<E> {
  final PriorityClass<E> owner;
  final int tier;
  /** 1 / weight: how far a dispatch moves {@link #pass}. */
  final double stride;
  /** Stride-scheduling position: the non-empty lane with the smallest pass is served next. */
  double pass;
  int size;

  private final Map<String, TenantQueue<E>> tenants = new HashMap<>();
  /** The tenant served next; null when the lane is empty. */
  private TenantQueue<E> cursor;

  TierLane(PriorityClass<E> owner, int tier, double stride) {
    this.owner = owner;
    this.tier = tier;
    this.stride = stride;
  }

  TenantQueue<E> tenant(String name) {
    TenantQueue<E> t = tenants.get(name);
    if (t == null) {
      t = new TenantQueue<>(name, this);
      tenants.put(name, t);
    }
    return t;
  }

  void add(Waiting<E> w) {
    TenantQueue<E> t = w.tenant;
    if (t.isEmpty()) {
      joinRing(t);
    }
    t.append(w);
    size++;
  }

  void remove(Waiting<E> w) {
    TenantQueue<E> t = w.tenant;
    t.unlink(w);
    if (t.isEmpty()) {
      leaveRing(t);
    }
    size--;
  }

  /** The oldest request of the tenant whose turn it is, passing the turn on; the lane is not empty. */
  Waiting<E> takeTurn() {
    TenantQueue<E> t = cursor;
    cursor = t.nextInRing;
    return t.oldest;
  }

  /** Just before the cursor: a newcomer is served after every tenant already waiting, once. */
  private void joinRing(TenantQueue<E> t) {
    if (cursor == null) {
      t.prevInRing = t;
      t.nextInRing = t;
      cursor = t;
      return;
    }
    t.prevInRing = cursor.prevInRing;
    t.nextInRing = cursor;
    cursor.prevInRing.nextInRing = t;
    cursor.prevInRing = t;
  }

  private void leaveRing(TenantQueue<E> t) {
    if (t.nextInRing == t) {
      cursor = null;
    } else {
      t.prevInRing.nextInRing = t.nextInRing;
      t.nextInRing.prevInRing = t.prevInRing;
      if (cursor == t) {
        cursor = t.nextInRing;
      }
    }
    t.prevInRing = null;
    t.nextInRing = null;
  }
}
