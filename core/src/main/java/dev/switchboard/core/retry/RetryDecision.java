package dev.switchboard.core.retry;

/** What {@link RetryRule} says of a failed try: try another replica, or give up and why. */
public enum RetryDecision {
  /** Try again on a replica not yet tried; one retry has been taken from the budget. */
  RETRY,
  /** Bytes of the answer already reached the client: it cannot be taken back and started over. */
  ANSWER_STARTED,
  /** The replica took too long: another would likely wait as long again. */
  TIMED_OUT,
  /** The request has had all the tries it may have. */
  ATTEMPTS_SPENT,
  /** The retry budget is spent: retries would only add load to the replicas that are left. */
  BUDGET_SPENT;

  public boolean retries() {
    return this == RETRY;
  }
}
