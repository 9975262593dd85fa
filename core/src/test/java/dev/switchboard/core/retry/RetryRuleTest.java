package dev.switchboard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import org.junit.jupiter.api.Test;

class RetryRuleTest {
  private static final boolean BEFORE_ANY_BYTE = false;
  private static final boolean AFTER_BYTES_WENT_OUT = true;

  private final ManualClock clock = new ManualClock();
  /** Ten retries to spend, and no refill: what is left shows what a decision took. */
  private final RetryBudget budget = budgetOf(10);
  private final RetryRule rule = new RetryRule(3, budget);

  private RetryBudget budgetOf(int retries) {
    RetryBudget b = new RetryBudget(clock, 100, 0);
    b.onRequests(retries);
    return b;
  }

  @Test
  void aFiveHundredBeforeAnyByteIsRetriedOnAnotherReplica() {
    assertThat(rule.afterFailure(TryFailure.SERVER_ERROR, BEFORE_ANY_BYTE, 1)).isEqualTo(RetryDecision.RETRY);
    assertThat(budget.available()).as("the retry is drawn from the budget").isEqualTo(9);
  }

  @Test
  void aConnectionFailureBeforeAnyByteIsRetriedOnAnotherReplica() {
    assertThat(rule.afterFailure(TryFailure.CONNECTION, BEFORE_ANY_BYTE, 2)).isEqualTo(RetryDecision.RETRY);
    assertThat(RetryDecision.RETRY.retries()).isTrue();
  }

  @Test
  void aTimeoutIsNeverRetriedAndLeavesTheBudgetAlone() {
    assertThat(rule.afterFailure(TryFailure.TIMEOUT, BEFORE_ANY_BYTE, 1)).isEqualTo(RetryDecision.TIMED_OUT);
    assertThat(budget.available()).isEqualTo(10);
  }

  @Test
  void nothingIsRetriedOnceBytesWentToTheClient() {
    for (TryFailure how : TryFailure.values()) {
      assertThat(rule.afterFailure(how, AFTER_BYTES_WENT_OUT, 1)).as(how.name()).isEqualTo(RetryDecision.ANSWER_STARTED);
    }
    assertThat(budget.available()).isEqualTo(10);
  }

  @Test
  void theLastAllowedAttemptIsNotRetriedAndLeavesTheBudgetAlone() {
    assertThat(rule.afterFailure(TryFailure.SERVER_ERROR, BEFORE_ANY_BYTE, 3)).isEqualTo(RetryDecision.ATTEMPTS_SPENT);
    assertThat(rule.afterFailure(TryFailure.CONNECTION, BEFORE_ANY_BYTE, 4)).isEqualTo(RetryDecision.ATTEMPTS_SPENT);
    assertThat(budget.available()).isEqualTo(10);
  }

  @Test
  void aSpentBudgetGivesUpThoughAttemptsAreLeft() {
    RetryRule poor = new RetryRule(3, budgetOf(1));
    assertThat(poor.afterFailure(TryFailure.CONNECTION, BEFORE_ANY_BYTE, 1)).isEqualTo(RetryDecision.RETRY);
    assertThat(poor.afterFailure(TryFailure.CONNECTION, BEFORE_ANY_BYTE, 1)).isEqualTo(RetryDecision.BUDGET_SPENT);
    assertThat(RetryDecision.BUDGET_SPENT.retries()).isFalse();
  }

  @Test
  void aSingleAttemptIsNeverRetried() {
    assertThat(new RetryRule(1, budget).afterFailure(TryFailure.SERVER_ERROR, BEFORE_ANY_BYTE, 1))
        .isEqualTo(RetryDecision.ATTEMPTS_SPENT);
  }

  @Test
  void fewerThanOneAttemptIsRefused() {
    assertThatThrownBy(() -> new RetryRule(0, budget)).hasMessageContaining("max attempts");
  }
}
