package dev.switchboard.gateway.admission;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.Clock;
import dev.switchboard.core.admission.AdmissionQueue;
import dev.switchboard.core.admission.ConcurrencyLimit;
import dev.switchboard.core.admission.Offer;
import dev.switchboard.core.replica.ReplicaSet;
import dev.switchboard.gateway.upstream.ReplicaPool;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pool's admission control: requests go straight to a replica while one has room and nobody
 * waits; otherwise they wait in the core {@link AdmissionQueue} (by tier, aged, fair between
 * tenants) and are dispatched the moment a completion frees a slot, or shed.
 *
 * <p>Requests belong to the event loop of their client connection, and a freed slot may be seen on
 * another loop: a waiter is handed back to its own event loop to dispatch. Slots handed out that way
 * are counted until the dispatch lands, so a drain never hands out more than the free slots.
 */
public final class PoolAdmission {
  /** A request waiting for a slot, as the proxy implements it. */
  public interface Waiter {
    /** The event loop the request lives on. */
    Executor eventLoop();

    /** The request's tier. */
    String tier();

    /** Dispatch now (called on {@link #eventLoop()}). */
    void dispatch();

    /** It will not be served: answer 503 with Retry-After (called on {@link #eventLoop()}). */
    void shed(String reason, int retryAfterSeconds);
  }

  private final ReplicaPool pool;
  private final AdmissionQueue<Waiter> queue;
  private final ConcurrencyLimit limit;
  private final AtomicInteger handedOut = new AtomicInteger();

  public PoolAdmission(ReplicaPool pool, AdmissionConfig config, Clock clock) {
    this.pool = pool;
    this.queue = config.newQueue(clock);
    this.limit = config.limit();
  }

  /**
   * Admits a request: true when it may be dispatched right now by the caller; false when it now
   * waits (and will get {@link Waiter#dispatch()} later) or was shed (and got {@link Waiter#shed}).
   */
  public boolean admit(Waiter w, String tier, String tenant, int priority) {
    if (queue.size() == 0 && handedOut.get() < limit.freeSlots(pool.routable())) {
      return true;
    }
    Offer<Waiter> offer = queue.offer(w, tier, tenant, priority);
    if (!offer.isQueued()) {
      w.shed(offer.reason().message(), queue.retryAfterSeconds(tier));
    }
    if (offer.hasDisplaced()) {
      Waiter victim = offer.displaced();
      victim
          .eventLoop()
          .execute(() -> victim.shed(Offer.Reason.DISPLACED.message(), queue.retryAfterSeconds(victim.tier())));
    }
    // A slot may have freed between the check and the offer.
    drain();
    return false;
  }

  /** The replicas with room, for the balancer to choose from; all routable ones if none has. */
  public ReplicaSet eligible() {
    ReplicaSet routable = pool.routable();
    ReplicaSet eligible = limit.eligible(routable);
    return eligible.isEmpty() ? routable : eligible;
  }

  /** A request finished or failed on this pool: hand its slot to the best waiting request. */
  public void drain() {
    while (queue.size() > 0 && handedOut.get() < limit.freeSlots(pool.routable())) {
      Waiter next = queue.poll();
      if (next == null) {
        return;
      }
      handedOut.incrementAndGet();
      next.eventLoop()
          .execute(
              () -> {
                handedOut.decrementAndGet();
                next.dispatch();
              });
    }
  }

  /** Sheds the requests that waited past their tier's timeout; called by a timer. */
  public void expire() {
    if (queue.size() == 0) {
      return;
    }
    for (Waiter w : queue.expire()) {
      w.eventLoop().execute(() -> w.shed(Offer.Reason.EXPIRED.message(), queue.retryAfterSeconds(w.tier())));
    }
  }

  /** The client went away while waiting. */
  public boolean remove(Waiter w) {
    return queue.remove(w);
  }

  public int waiting() {
    return queue.size();
  }

  public int retryAfterSeconds(String tier) {
    return queue.retryAfterSeconds(tier);
  }
}
