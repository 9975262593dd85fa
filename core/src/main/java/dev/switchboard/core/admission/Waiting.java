package dev.switchboard.core.admission;

/**
 * One waiting request. It is linked into its tenant's FIFO and its priority class's arrival list,
 * and sits in the queue's deadline heap, so that it can leave from anywhere in O(log n).
 *
 * <p>Times are nanoseconds since the queue was created.
 */
final class Waiting<E> extends IndexedHeap.Node {
  final E request;
  final TenantQueue<E> tenant;
  /** Arrival order, which also breaks ties in rank and deadline. */
  final long seq;
  /**
   * arrival + priority × agingStep. The effective priority at time t is (rank − t) / agingStep,
   * so ranks order requests the same way at every t: smaller is dispatched first.
   */
  final long rank;

  final long deadline;

  Waiting<E> olderInTenant;
  Waiting<E> newerInTenant;
  Waiting<E> olderInClass;
  Waiting<E> newerInClass;

  Waiting(E request, TenantQueue<E> tenant, long seq, long rank, long deadline) {
    this.request = request;
    this.tenant = tenant;
    this.seq = seq;
    this.rank = rank;
    this.deadline = deadline;
  }

  TierLane<E> lane() {
    return tenant.lane;
  }

  @Override
  public String toString() {
    return "Waiting[" + request + ", tenant=" + tenant.name + ", rank=" + rank + "]";
  }
}
