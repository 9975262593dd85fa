package dev.switchboard.core.admission;

import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.event.ShedReason;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One pool's admission control, the same in the gateway and the simulator: a request goes straight
 * to a replica while one has room and nobody waits; otherwise it waits in the {@link
 * AdmissionQueue} (by tier, aged, fair between tenants) and is handed on the moment a slot frees,
 * or it is shed.
 *
 * <p>Rules, exactly:
 *
 * <ul>
 *   <li><b>Straight through.</b> {@link #admit} says "dispatch now" iff nobody is waiting and the
 *       requests handed out but not yet landed are fewer than the free slots of the routable
 *       replicas ({@link ConcurrencyLimit#freeSlots}). Otherwise the request is offered to the
 *       queue with its tier, tenant and own priority.
 *   <li><b>Shedding.</b> A request the queue refuses, displaces or expires is given to {@link
 *       Runtime#shed} with the reason and its tier's {@code Retry-After}; nothing else happens to
 *       it here.
 *   <li><b>Handing on.</b> {@link #drain} polls the best waiting request while free slots exceed
 *       the requests handed out, and gives each to {@link Runtime#dispatch}. A handed-out request
 *       counts against the free slots until the runtime calls {@link #landed} (when the replica
 *       counts it in flight), so a runtime that dispatches on another thread never hands out more
 *       than the free slots. The runtime calls {@link #drain} whenever a slot may have freed (a
 *       completion, a new load report, a replica back) — {@link #admit} does so itself, since a
 *       slot may free between its check and its offer.
 *   <li><b>Candidates.</b> {@link #eligible()} is the routable replicas with room, or all routable
 *       ones when none has (a dispatch is never refused for want of room: the limit decides
 *       <i>when</i>, the balancer <i>where</i>).
 * </ul>
 *
 * <p>Thread-safe. Does no I/O and reads no clock of its own: the queue has the injected clock.
 *
 * @param <R> the runtime's request object, identified by identity
 */
public final class AdmissionControl<R> {

  /** What the runtime does with the requests this control hands back. */
  public interface Runtime<R> {
    /** {@code request} may go now: dispatch it, then call {@link #landed()}; may hop threads. */
    void dispatch(R request);

    /** {@code request} will not be served: answer 503 with {@code Retry-After}; may hop threads. */
    void shed(R request, ShedReason reason, int retryAfterSeconds);
  }

  private final AdmissionQueue<R> queue;
  private final ConcurrencyLimit limit;
  private final Supplier<ReplicaSet> routable;
  private final Runtime<R> runtime;
  private final Function<R, String> tierOf;
  private final AtomicInteger handedOut = new AtomicInteger();

  /**
   * @param routable the pool's routable replicas now (the group's snapshot)
   * @param tierOf a request's tier, for the {@code Retry-After} of one shed after it was queued
   */
  public AdmissionControl(
      AdmissionQueue<R> queue,
      ConcurrencyLimit limit,
      Supplier<ReplicaSet> routable,
      Function<R, String> tierOf,
      Runtime<R> runtime) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.routable = Objects.requireNonNull(routable, "routable");
    this.tierOf = Objects.requireNonNull(tierOf, "tierOf");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * Admits a request: true when the caller may dispatch it right now; false when it now waits (and
   * will be given to {@link Runtime#dispatch} later) or was shed (and was given to {@link
   * Runtime#shed}).
   *
   * @param priority the request's own priority (vLLM's {@code priority}; 0 when it has none)
   */
  public boolean admit(R request, String tier, String tenant, int priority) {
    if (queue.size() == 0 && handedOut.get() < limit.freeSlots(routable.get())) {
      return true;
    }
    Offer<R> offer = queue.offer(request, tier, tenant, priority);
    if (!offer.isQueued()) {
      runtime.shed(request, offer.reason(), queue.retryAfterSeconds(tier));
    }
    if (offer.hasDisplaced()) {
      R victim = offer.displaced();
      runtime.shed(victim, ShedReason.DISPLACED, queue.retryAfterSeconds(tierOf.apply(victim)));
    }
    drain();
    return false;
  }

  /** The replicas with room, for the balancer to choose from; all routable ones if none has. */
  public ReplicaSet eligible() {
    ReplicaSet all = routable.get();
    ReplicaSet eligible = limit.eligible(all);
    return eligible.isEmpty() ? all : eligible;
  }

  /** A slot may have freed: hand it to the best waiting request, as many times as there is room. */
  public void drain() {
    while (queue.size() > 0 && handedOut.get() < limit.freeSlots(routable.get())) {
      R next = queue.poll();
      if (next == null) {
        return;
      }
      handedOut.incrementAndGet();
      runtime.dispatch(next);
    }
  }

  /** A request handed to {@link Runtime#dispatch} has been dispatched, or dropped. */
  public void landed() {
    handedOut.decrementAndGet();
  }

  /** Sheds the requests that waited past their deadline; the runtime calls it at {@link #nextDeadlineNanos()}. */
  public void expire() {
    if (queue.size() == 0) {
      return;
    }
    for (R r : queue.expire()) {
      runtime.shed(r, ShedReason.EXPIRED, queue.retryAfterSeconds(tierOf.apply(r)));
    }
  }

  /** When the earliest waiting request expires, if any waits. */
  public OptionalLong nextDeadlineNanos() {
    return queue.nextDeadlineNanos();
  }

  /** The request went away while waiting (its client left); true if it was waiting. */
  public boolean remove(R request) {
    return queue.remove(request);
  }

  public int waiting() {
    return queue.size();
  }

  /** Requests handed out and not landed yet. */
  public int handedOut() {
    return handedOut.get();
  }

  public int retryAfterSeconds(String tier) {
    return queue.retryAfterSeconds(tier);
  }
}
