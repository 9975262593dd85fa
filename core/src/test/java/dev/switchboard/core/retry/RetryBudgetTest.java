package dev.switchboard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void retriesAreLimitedToThePercentageOfRequests() {
    RetryBudget budget = new RetryBudget(clock, 20, 0);
    for (int i = 0; i < 50; i++) {
      budget.onRequest();
    }
    int granted = 0;
    while (budget.tryRetry()) {
      granted++;
    }
    assertThat(granted).isEqualTo(10);
  }

  @Test
  void theFloorAllowsRetriesWithoutRequestsAndRefillsOverTime() {
    RetryBudget budget = new RetryBudget(clock, 0, 5);
    int granted = 0;
    while (budget.tryRetry()) {
      granted++;
    }
    assertThat(granted).as("one second's floor to start with").isEqualTo(5);
    clock.advance(Duration.ofSeconds(2));
    granted = 0;
    while (budget.tryRetry()) {
      granted++;
    }
    assertThat(granted).isEqualTo(10);
  }

  @Test
  void unusedBudgetIsCappedSoAnOutageCannotDrawAHugeBurst() {
    RetryBudget budget = new RetryBudget(clock, 20, 1);
    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 100_000; i++) {
      budget.onRequest();
    }
    assertThat(budget.available()).isEqualTo(RetryBudget.MAX_STORED);
  }

  @Test
  void aZeroBudgetNeverRetries() {
    RetryBudget budget = new RetryBudget(clock, 0, 0);
    budget.onRequest();
    clock.advance(Duration.ofSeconds(100));
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new RetryBudget(clock, -1, 0)).hasMessageContaining("percent");
    assertThatThrownBy(() -> new RetryBudget(clock, 10, Double.NaN)).hasMessageContaining("minimum");
  }
}
