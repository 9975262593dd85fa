package dev.switchboard.core.ratelimit;

import java.util.Objects;

/**
 * Whether one request may go, and the numbers for OpenAI's rate-limit headers
 * ({@code x-ratelimit-limit-requests}, {@code -remaining-requests}, {@code -reset-requests} and the
 * same for tokens).
 *
 * <p>The header numbers describe the tightest of the limits that apply to the request's key, its
 * own and its tier's: the one with the fewest remaining. A limit of 0 means no limit applies in that
 * dimension (send no header). Remaining counts are never negative, though a bucket may be in debt.
 *
 * @param outcome admitted, refused by a limit (429), or the limit store was unreachable (503)
 * @param limitedBy the limit that refused it; {@link LimitedBy#NONE} unless {@code LIMITED}
 * @param retryAfterNanos how long until the request could pass: until enough tokens have refilled
 *     in every bucket that refused it; 0 when admitted; {@link #NEVER} when it is larger than a limit
 * @param limitRequests requests per minute of the tightest request limit, 0 if none
 * @param remainingRequests requests left in it now
 * @param resetRequestsNanos time until it is full again
 * @param limitTokens tokens per minute of the tightest token limit, 0 if none
 * @param remainingTokens tokens left in it now
 * @param resetTokensNanos time until it is full again
 */
public record RateDecision(
    Outcome outcome,
    LimitedBy limitedBy,
    long retryAfterNanos,
    long limitRequests,
    long remainingRequests,
    long resetRequestsNanos,
    long limitTokens,
    long remainingTokens,
    long resetTokensNanos) {

  /** The retry-after of a request that exceeds a limit's whole capacity: waiting will not help. */
  public static final long NEVER = Long.MAX_VALUE;

  public enum Outcome {
    ALLOWED,
    LIMITED,
    UNAVAILABLE
  }

  public RateDecision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(limitedBy, "limitedBy");
    if ((outcome == Outcome.LIMITED) == (limitedBy == LimitedBy.NONE)) {
      throw new IllegalArgumentException("a " + outcome + " decision cannot be limited by " + limitedBy);
    }
    if (retryAfterNanos < 0 || (outcome == Outcome.ALLOWED && retryAfterNanos != 0)) {
      throw new IllegalArgumentException("bad retry-after for " + outcome + ": " + retryAfterNanos);
    }
  }

  /** The limit store could not be asked and the gateway fails closed: answer 503. */
  public static RateDecision unavailable(long retryAfterNanos) {
    return new RateDecision(Outcome.UNAVAILABLE, LimitedBy.NONE, retryAfterNanos, 0, 0, 0, 0, 0, 0);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }

  /** Refused for good: the request alone is larger than a limit's capacity. */
  public boolean neverFits() {
    return outcome == Outcome.LIMITED && retryAfterNanos == NEVER;
  }

  public boolean hasRequestLimit() {
    return limitRequests > 0;
  }

  public boolean hasTokenLimit() {
    return limitTokens > 0;
  }
}
