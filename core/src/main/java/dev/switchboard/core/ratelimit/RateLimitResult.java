package dev.switchboard.core.ratelimit;

import java.util.Objects;

/**
 * The answer to one request: the decision, and when it was admitted under a token limit, the
 * reservation to settle with the real usage ({@link Reservation#NONE} otherwise).
 */
public record RateLimitResult(RateDecision decision, Reservation reservation) {

  public RateLimitResult {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reservation, "reservation");
    if (!decision.allowed() && reservation != Reservation.NONE) {
      throw new IllegalArgumentException("a refused request holds no reservation");
    }
  }

  /** Refused before any bucket was asked: the limit store is unreachable and the gateway fails closed. */
  public static RateLimitResult unavailable(long retryAfterNanos) {
    return new RateLimitResult(RateDecision.unavailable(retryAfterNanos), Reservation.NONE);
  }

  public boolean allowed() {
    return decision.allowed();
  }
}
