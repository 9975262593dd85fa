package dev.switchboard.core.admission;

/**
 * One tenant's waiting requests in one {@link TierLane}, oldest first, and its place in the lane's
 * round-robin ring while it has any.
 */
final class TenantQueue<E> {
  final String name;
  final TierLane<E> lane;
  Waiting<E> oldest;
  Waiting<E> newest;
  TenantQueue<E> prevInRing;
  TenantQueue<E> nextInRing;

  TenantQueue(String name, TierLane<E> lane) {
    this.name = name;
    this.lane = lane;
  }

  boolean isEmpty() {
    return oldest == null;
  }

  void append(Waiting<E> w) {
    w.olderInTenant = newest;
    if (newest == null) {
      oldest = w;
    } else {
      newest.newerInTenant = w;
    }
    newest = w;
  }

  void unlink(Waiting<E> w) {
    if (w.olderInTenant == null) {
      oldest = w.newerInTenant;
    } else {
      w.olderInTenant.newerInTenant = w.newerInTenant;
    }
    if (w.newerInTenant == null) {
      newest = w.olderInTenant;
    } else {
      w.newerInTenant.olderInTenant = w.olderInTenant;
    }
    w.olderInTenant = null;
    w.newerInTenant = null;
  }
}
