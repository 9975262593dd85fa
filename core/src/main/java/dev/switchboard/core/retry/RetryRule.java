package dev.switchboard.core.retry;

import java.util.Objects;

/**
 * When a failed try is retried on another replica: a 5xx answer or a connection failure before any
 * byte reached the client, while the request has tries left and the {@link RetryBudget} allows.
 * A timeout is never retried, and nothing is retried once the client has had bytes of the answer.
 * Thread-safe as its budget is; the gateway and the simulator apply the same rule.
 */
public final class RetryRule {
  private final int maxAttempts;
  private final RetryBudget budget;

  /**
   * @param maxAttempts tries a request may have in all, the first included
   * @param budget where each retry is drawn from
   */
  public RetryRule(int maxAttempts, RetryBudget budget) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, was " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * Decides after a failed try; takes a retry from the budget only when the answer is
   * {@link RetryDecision#RETRY}.
   *
   * @param how how the try failed
   * @param answerStarted whether any byte of the answer has reached the client
   * @param attempts the tries made so far, the failed one included
   */
  public RetryDecision afterFailure(TryFailure how, boolean answerStarted, int attempts) {
    if (answerStarted) {
      return RetryDecision.ANSWER_STARTED;
    }
    if (how == TryFailure.TIMEOUT) {
      return RetryDecision.TIMED_OUT;
    }
    if (attempts >= maxAttempts) {
      return RetryDecision.ATTEMPTS_SPENT;
    }
    // Drawn last, so that a request that could not retry anyway leaves the budget alone.
    return budget.tryRetry() ? RetryDecision.RETRY : RetryDecision.BUDGET_SPENT;
  }

  public int maxAttempts() {
    return maxAttempts;
  }
}
