package dev.switchboard.core.admission;

import dev.switchboard.core.event.ShedReason;
import java.util.Objects;

/**
 * What {@link AdmissionQueue#offer} decided, immutable: the request is queued, possibly displacing
 * a less important one, or it is rejected, and why. The runtime answers a rejected or displaced
 * request with a 503 and {@link AdmissionQueue#retryAfterSeconds(String) Retry-After}.
 *
 * <p>The common outcomes are shared instances, so deciding allocates only when a request is
 * displaced.
 *
 * @param <E> the runtime's request object
 */
public final class Offer<E> {

  private static final Offer<?> QUEUED = new Offer<>(null, null);
  private static final Offer<?> UNKNOWN_TIER = new Offer<>(ShedReason.UNKNOWN_TIER, null);
  private static final Offer<?> QUEUE_FULL = new Offer<>(ShedReason.QUEUE_FULL, null);
  private static final Offer<?> DEADLINE_PASSED = new Offer<>(ShedReason.DEADLINE_PASSED, null);

  private final ShedReason rejection;
  private final E displaced;

  private Offer(ShedReason rejection, E displaced) {
    this.rejection = rejection;
    this.displaced = displaced;
  }

  @SuppressWarnings("unchecked")
  static <E> Offer<E> queued() {
    return (Offer<E>) QUEUED;
  }

  /** Queued, and {@code victim} was removed to make room. */
  static <E> Offer<E> displacing(E victim) {
    return new Offer<>(null, Objects.requireNonNull(victim, "victim"));
  }

  @SuppressWarnings("unchecked")
  static <E> Offer<E> rejected(ShedReason reason) {
    return (Offer<E>)
        switch (reason) {
          case UNKNOWN_TIER -> UNKNOWN_TIER;
          case QUEUE_FULL -> QUEUE_FULL;
          case DEADLINE_PASSED -> DEADLINE_PASSED;
          case DISPLACED, EXPIRED ->
              throw new IllegalArgumentException(reason + " is not a reason to reject an offer");
        };
  }

  public boolean isQueued() {
    return rejection == null;
  }

  /** Why the request was rejected; only when not {@link #isQueued()}. */
  public ShedReason reason() {
    if (rejection == null) {
      throw new IllegalStateException("the request was queued");
    }
    return rejection;
  }

  public boolean hasDisplaced() {
    return displaced != null;
  }

  /**
   * The request removed to make room, for the runtime to answer with {@link ShedReason#DISPLACED}; only
   * when {@link #hasDisplaced()}.
   */
  public E displaced() {
    if (displaced == null) {
      throw new IllegalStateException("no request was displaced");
    }
    return displaced;
  }

  @Override
  public String toString() {
    if (rejection != null) {
      return "Offer[rejected: " + rejection.message() + "]";
    }
    return displaced == null ? "Offer[queued]" : "Offer[queued, displaced " + displaced + "]";
  }
}
