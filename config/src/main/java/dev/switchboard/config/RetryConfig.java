package dev.switchboard.config;

import dev.switchboard.core.Clock;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.core.retry.RetryRule;
import java.util.List;

/**
 * The {@code retries:} section, the same in a gateway config and a simulation scenario: how many
 * tries a request may have, and the budget that keeps retries from multiplying the load in an
 * outage.
 *
 * <pre>
 * retries:
 *   max_attempts: 3          # tries per request, the first included (1 = never retry)
 *   budget_percent: 20       # retries may add this share to the requests...
 *   budget_min_per_s: 10     # ...plus this many a second, however few the requests
 * </pre>
 *
 * @param maxAttempts tries per request including the first
 * @param budgetPercent retries allowed as a percentage of requests
 * @param budgetMinPerSecond retries always allowed per second, however few the requests
 */
public record RetryConfig(int maxAttempts, double budgetPercent, double budgetMinPerSecond) {
  public static final List<String> FIELDS = List.of("max_attempts", "budget_percent", "budget_min_per_s");

  private static final long MAX_ATTEMPTS = 10;
  private static final double MAX_BUDGET_PERCENT = 1000;

  /** Reads the section; an absent one gives the defaults. */
  public static RetryConfig parse(Node n) {
    n.allowOnly(FIELDS.toArray(String[]::new));
    long attempts = n.positiveInteger("max_attempts", 3);
    if (attempts > MAX_ATTEMPTS) {
      throw n.error("max_attempts", "must be <= " + MAX_ATTEMPTS + ", was " + attempts);
    }
    double percent = n.nonNegative("budget_percent", 20);
    if (percent > MAX_BUDGET_PERCENT) {
      throw n.error("budget_percent", "must be <= " + (long) MAX_BUDGET_PERCENT + ", was " + percent);
    }
    return new RetryConfig((int) attempts, percent, n.nonNegative("budget_min_per_s", 10));
  }

  /** A budget on {@code clock}, empty but for its first second of the floor. */
  public RetryBudget newBudget(Clock clock) {
    return new RetryBudget(clock, budgetPercent, budgetMinPerSecond);
  }

  /** The rule that decides each failed try, drawing on {@code budget}. */
  public RetryRule newRule(RetryBudget budget) {
    return new RetryRule(maxAttempts, budget);
  }
}
