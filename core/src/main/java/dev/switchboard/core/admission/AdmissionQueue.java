package dev.switchboard.core.admission;

import dev.switchboard.core.event.ShedReason;
import dev.switchboard.core.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The gateway's admission queue: requests wait here while every eligible replica is at its
 * {@link ConcurrencyLimit}, and the moment capacity frees the runtime {@link #poll() polls} the
 * best one.
 *
 * <p>Rules, exactly:
 *
 * <ul>
 *   <li><b>Priority.</b> A request gets its tier's priority, or a less important one if it asks
 *       (a larger number): the requested number is clamped to [tier.priority, {@link
 *       Tier#MAX_PRIORITY}], so a request can lower its priority but never raise it.
 *   <li><b>Aging.</b> A request of priority p that has waited w has effective priority
 *       p − w / agingStep. All requests age at the same rate, so comparing effective priorities at
 *       any moment is comparing arrival + p × agingStep, fixed at arrival: request X (priority p)
 *       ranks ahead of request Y (priority q &lt; p) iff Y arrived more than (p − q) × agingStep
 *       after X, or exactly that and X arrived first. Hence the starvation bound: under a steady
 *       stream of more important requests, each dispatched before the next arrives, a request
 *       waits exactly (p − q) × agingStep before it ranks first.
 *   <li><b>Order.</b> Requests with the same priority number form a class, whatever their tier.
 *       The class whose oldest request ranks best (as above; earlier arrival on a tie) is served
 *       next, one request at a time.
 *   <li><b>Weight.</b> Inside a class, tiers share dispatches in proportion to their weights while
 *       they all have requests waiting (stride scheduling; a tier that was empty rejoins with no
 *       credit for the time it was; ties go to the tier configured first). Weight matters only
 *       between tiers configured with the same priority, or when a request lowers itself to
 *       another tier's priority; it never lets a less important class overtake a more important
 *       one, nor arrival order decide between tiers of one class.
 *   <li><b>Tenants.</b> Inside a tier of a class, tenants take turns, one request each, oldest
 *       first within a tenant. A tenant that starts waiting takes its first turn after every tenant
 *       already waiting has had one. So the oldest request of a tier leaves within as many of that
 *       tier's turns as it has tenants waiting, and one tenant's burst delays another tenant by at
 *       most one request.
 *   <li><b>Bound.</b> At most {@code maxQueued} requests wait. An offer to a full queue displaces
 *       the newest request of the least important class (the largest priority number), if that
 *       class is strictly less important than the offered request; otherwise the offered request is
 *       rejected. Shedding goes by priority number, not aged rank: under overload the important
 *       requests get in.
 *   <li><b>Deadlines.</b> A request expires once it has waited its tier's queue timeout, or at its
 *       own deadline if that comes first; {@link #expire()} removes it, and {@link
 *       #nextDeadlineNanos()} says when to call it next. {@link #poll()} does not check deadlines:
 *       a request dispatched just after its deadline is better served than failed.
 * </ul>
 *
 * <p>Thread-safe with one lock; every operation is O(log n + tiers), plus the number of empty
 * classes skipped when shedding. A request allocates only its entry, once its tenant has been seen.
 * Time comes only from the injected clock, read once per operation.
 *
 * @param <E> the runtime's request object, identified by identity
 */
public final class AdmissionQueue<E> {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Tier[] tiers;
  private final Map<String, Integer> tierIndex = new HashMap<>();
  private final long[] timeoutNanos;
  private final int[] retryAfterSeconds;
  private final int[] sizeByTier;
  private final int maxQueued;
  private final long agingStepNanos;
  private final Clock clock;
  /** Clock reading at creation: all stored times are relative to it, so they compare plainly. */
  private final long origin;

  private final PriorityClass<E>[] classByPriority;
  /** Every class created so far, by ascending priority number; for shedding. */
  private final List<PriorityClass<E>> classesAscending = new ArrayList<>();
  /** Non-empty classes, best oldest request first. */
  private final IndexedHeap<PriorityClass<E>> byRank =
      new IndexedHeap<>(AdmissionQueue::compareOldest);

  private final IndexedHeap<Waiting<E>> byDeadline =
      new IndexedHeap<>(AdmissionQueue::compareDeadline);
  private final IdentityHashMap<E, Waiting<E>> byRequest = new IdentityHashMap<>();
  /** Written under the lock, read without it ({@link #size()}). */
  private volatile int size;
  private long nextSeq;

  @SuppressWarnings("unchecked")
  public AdmissionQueue(List<Tier> tiers, QueueSettings settings, Clock clock) {
    this.tiers = Tier.validate(tiers);
    Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    int n = this.tiers.length;
    this.timeoutNanos = new long[n];
    this.retryAfterSeconds = new int[n];
    this.sizeByTier = new int[n];
    for (int i = 0; i < n; i++) {
      Tier t = this.tiers[i];
      tierIndex.put(t.name(), i);
      timeoutNanos[i] = t.queueTimeout().toNanos();
      retryAfterSeconds[i] =
          (int) Math.max(1L, (timeoutNanos[i] + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
    }
    this.maxQueued = settings.maxQueued();
    this.agingStepNanos = settings.agingStep().toNanos();
    this.classByPriority = (PriorityClass<E>[]) new PriorityClass<?>[Tier.MAX_PRIORITY + 1];
    this.origin = clock.nanoTime();
  }

  /**
   * Offers a request, due by its tier's queue timeout.
   *
   * @param request the runtime's request object; not already queued
   * @param tier the tier name from the request's API key
   * @param tenant who sent it; tenants of a tier take turns
   * @param requestedPriority the request's own priority (vLLM's {@code priority}; 0 when it has
   *     none), clamped to [tier.priority, {@link Tier#MAX_PRIORITY}]
   */
  public synchronized Offer<E> offer(E request, String tier, String tenant, int requestedPriority) {
    return offer(request, tier, tenant, requestedPriority, false, 0L);
  }

  /**
   * As {@link #offer(Object, String, String, int)}, with the request's own deadline, a clock
   * reading: it expires then if that is before its tier's queue timeout.
   */
  public synchronized Offer<E> offer(
      E request, String tier, String tenant, int requestedPriority, long deadlineNanos) {
    return offer(request, tier, tenant, requestedPriority, true, deadlineNanos);
  }

  private Offer<E> offer(
      E request,
      String tierName,
      String tenant,
      int requestedPriority,
      boolean hasDeadline,
      long deadlineNanos) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(tierName, "tier");
    Objects.requireNonNull(tenant, "tenant");
    Integer index = tierIndex.get(tierName);
    if (index == null) {
      return Offer.rejected(ShedReason.UNKNOWN_TIER);
    }
    if (byRequest.containsKey(request)) {
      throw new IllegalArgumentException("already queued: " + request);
    }
    int tier = index;
    long now = clock.nanoTime() - origin;
    long deadline = now + timeoutNanos[tier];
    if (hasDeadline) {
      deadline = Math.min(deadline, deadlineNanos - origin);
      if (deadline <= now) {
        return Offer.rejected(ShedReason.DEADLINE_PASSED);
      }
    }
    int priority = Math.max(tiers[tier].priority(), Math.min(requestedPriority, Tier.MAX_PRIORITY));

    E displaced = null;
    if (size >= maxQueued) {
      PriorityClass<E> least = leastImportantNonEmpty();
      if (least.priority <= priority) {
        return Offer.rejected(ShedReason.QUEUE_FULL);
      }
      Waiting<E> victim = least.newest;
      unlink(victim);
      displaced = victim.request;
    }

    PriorityClass<E> cls = classFor(priority);
    TenantQueue<E> queue = cls.lane(tier, 1.0 / tiers[tier].weight()).tenant(tenant);
    Waiting<E> w =
        new Waiting<>(request, queue, nextSeq++, now + priority * agingStepNanos, deadline);
    // The newest request of a class never changes which request is its oldest.
    boolean wasEmpty = cls.size == 0;
    cls.add(w);
    if (wasEmpty) {
      byRank.add(cls);
    }
    byDeadline.add(w);
    byRequest.put(request, w);
    sizeByTier[tier]++;
    size++;
    return displaced == null ? Offer.queued() : Offer.displacing(displaced);
  }

  /** Removes and returns the request to dispatch now, or null if none is waiting. */
  public synchronized E poll() {
    PriorityClass<E> best = byRank.peek();
    if (best == null) {
      return null;
    }
    Waiting<E> w = best.takeTurn();
    unlink(w);
    return w.request;
  }

  /**
   * Removes the requests whose deadline has come.
   *
   * @return them, earliest deadline first, for the runtime to answer with {@link
   *     ShedReason#EXPIRED}
   */
  public synchronized List<E> expire() {
    long now = clock.nanoTime() - origin;
    Waiting<E> first = byDeadline.peek();
    if (first == null || first.deadline > now) {
      return List.of();
    }
    List<E> expired = new ArrayList<>();
    for (Waiting<E> w = first; w != null && w.deadline <= now; w = byDeadline.peek()) {
      unlink(w);
      expired.add(w.request);
    }
    return expired;
  }

  /** The clock reading at which the next request expires; empty when none is waiting. */
  public synchronized OptionalLong nextDeadlineNanos() {
    Waiting<E> first = byDeadline.peek();
    return first == null ? OptionalLong.empty() : OptionalLong.of(first.deadline + origin);
  }

  /**
   * Removes a request that will not be dispatched (its client went away).
   *
   * @return whether it was waiting
   */
  public synchronized boolean remove(E request) {
    Waiting<E> w = byRequest.get(request);
    if (w == null) {
      return false;
    }
    unlink(w);
    return true;
  }

  /**
   * Requests waiting. Read without the lock: a runtime asks on every request whether anyone
   * waits, from every event loop, and taking a shared lock for that would make them contend.
   */
  public int size() {
    return size;
  }

  /** Requests of {@code tier} waiting, at whatever priority they asked for. */
  public synchronized int size(String tier) {
    return sizeByTier[indexOf(tier)];
  }

  /**
   * The Retry-After, in whole seconds, for a request of {@code tier} that was rejected, displaced
   * or expired: the tier's queue timeout, rounded up, at least 1. Every request waiting in the tier
   * now has left the queue by then, dispatched or not, and the value is known in advance and the
   * same in every run, unlike an estimate from recent dispatch rates.
   */
  public int retryAfterSeconds(String tier) {
    return retryAfterSeconds[indexOf(tier)];
  }

  private int indexOf(String tier) {
    Integer index = tierIndex.get(tier);
    if (index == null) {
      throw new IllegalArgumentException("unknown tier '" + tier + "'");
    }
    return index;
  }

  private void unlink(Waiting<E> w) {
    PriorityClass<E> cls = w.lane().owner;
    boolean wasOldest = cls.oldest == w;
    cls.remove(w);
    if (cls.size == 0) {
      byRank.remove(cls);
    } else if (wasOldest) {
      byRank.changed(cls);
    }
    byDeadline.remove(w);
    byRequest.remove(w.request);
    sizeByTier[w.lane().tier]--;
    size--;
  }

  private PriorityClass<E> classFor(int priority) {
    PriorityClass<E> cls = classByPriority[priority];
    if (cls == null) {
      cls = new PriorityClass<>(priority, tiers.length);
      classByPriority[priority] = cls;
      int at = 0;
      while (at < classesAscending.size() && classesAscending.get(at).priority < priority) {
        at++;
      }
      classesAscending.add(at, cls);
    }
    return cls;
  }

  /** The non-empty class with the largest priority number; the queue is not empty. */
  private PriorityClass<E> leastImportantNonEmpty() {
    for (int i = classesAscending.size() - 1; ; i--) {
      PriorityClass<E> cls = classesAscending.get(i);
      if (cls.size > 0) {
        return cls;
      }
    }
  }

  private static int compareOldest(PriorityClass<?> a, PriorityClass<?> b) {
    Waiting<?> x = a.oldest;
    Waiting<?> y = b.oldest;
    int c = Long.compare(x.rank, y.rank);
    return c != 0 ? c : Long.compare(x.seq, y.seq);
  }

  private static int compareDeadline(Waiting<?> a, Waiting<?> b) {
    int c = Long.compare(a.deadline, b.deadline);
    return c != 0 ? c : Long.compare(a.seq, b.seq);
  }
}
