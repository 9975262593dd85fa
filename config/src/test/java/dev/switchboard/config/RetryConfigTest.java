package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.core.retry.RetryDecision;
import dev.switchboard.core.retry.TryFailure;
import org.junit.jupiter.api.Test;

class RetryConfigTest {

  private static RetryConfig parse(String yaml) {
    return RetryConfig.parse(Yaml.parse(yaml).get("retries"));
  }

  private static void assertError(String yaml, String where, String problem) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(where + ":")
        .hasMessageContaining(problem);
  }

  @Test
  void anAbsentSectionGivesTheGatewaysDefaults() {
    assertThat(parse("other: 1\n")).isEqualTo(new RetryConfig(3, 20, 10));
  }

  @Test
  void everyErrorNamesItsField() {
    assertError("retries: {max_attempts: 11}\n", "retries.max_attempts", "<= 10");
    assertError("retries: {max_attempts: 0}\n", "retries.max_attempts", "> 0");
    assertError("retries: {budget_percent: -1}\n", "retries.budget_percent", ">= 0");
    assertError("retries: {budget_percent: 1001}\n", "retries.budget_percent", "<= 1000");
    assertError("retries: {budget_min_per_s: -1}\n", "retries.budget_min_per_s", ">= 0");
    assertError("retries: {budget: 5}\n", "retries.budget", "unknown field");
  }

  @Test
  void theRuleItBuildsGivesUpWhenTheBudgetIsEmpty() {
    RetryConfig c = parse("retries: {max_attempts: 2, budget_percent: 0, budget_min_per_s: 0}\n");
    RetryBudget budget = c.newBudget(new ManualClock(0));
    assertThat(c.newRule(budget).afterFailure(TryFailure.SERVER_ERROR, false, 1)).isEqualTo(RetryDecision.BUDGET_SPENT);
  }
}
