package dev.switchboard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InMemoryBucketStoreTest {
  private final ManualClock clock = new ManualClock();
  private final InMemoryBucketStore store = new InMemoryBucketStore(clock);

  private boolean take(String name, long tokens) {
    return store.bucket(name, new BucketSpec(60)).tryConsume(tokens).toCompletableFuture().join().isConsumed();
  }

  @Test
  void theSameNameIsTheSameBucket() {
    assertThat(take("a", 60)).isTrue();
    assertThat(take("a", 1)).isFalse();
    assertThat(take("b", 60)).isTrue();
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void bucketsRefillOnTheInjectedClock() {
    take("a", 60);
    clock.advance(Duration.ofSeconds(30));
    assertThat(take("a", 30)).isTrue();
    assertThat(take("a", 1)).isFalse();
  }

  @Test
  void aRefundNeverFillsBeyondCapacity() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    bucket.refund(1000);
    assertThat(take("a", 60)).isTrue();
    assertThat(take("a", 1)).isFalse();
  }

  @Test
  void aProbeSaysWhatIsLeftAndHowLongUntilEnoughAndUntilFull() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    ConsumptionProbe taken = bucket.tryConsumeNow(45, clock.nanoTime());
    assertThat(taken.isConsumed()).isTrue();
    assertThat(taken.getRemainingTokens()).isEqualTo(15);
    assertThat(taken.getNanosToWaitForReset()).isEqualTo(Duration.ofSeconds(45).toNanos());

    ConsumptionProbe refused = bucket.tryConsumeNow(20, clock.nanoTime());
    assertThat(refused.isConsumed()).isFalse();
    assertThat(refused.getRemainingTokens()).isEqualTo(15);
    assertThat(refused.getNanosToWaitForRefill()).as("5 more tokens at one a second").isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(refused.getNanosToWaitForReset()).isEqualTo(Duration.ofSeconds(45).toNanos());
  }

  @Test
  void aDecisionAtAnOlderTimeThanTheLastRefillsNothingAndTakesNothingBack() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    clock.advance(Duration.ofSeconds(10));
    assertThat(bucket.tryConsumeNow(60, clock.nanoTime()).isConsumed()).isTrue();
    // Another thread read the clock before this one but reached the bucket after it.
    ConsumptionProbe late = bucket.tryConsumeNow(1, clock.nanoTime() - Duration.ofSeconds(5).toNanos());
    assertThat(late.isConsumed()).isFalse();
    assertThat(late.getRemainingTokens()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(take("a", 1)).as("refill resumes from the latest time").isTrue();
    assertThat(take("a", 1)).isFalse();
  }

  @Test
  void aChargeMayPutABucketInDebtWhichRefillPaysOffFirst() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    bucket.charge(90).toCompletableFuture().join();
    clock.advance(Duration.ofSeconds(30));
    assertThat(take("a", 1)).as("30 s repaid the 30-token debt and nothing more").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(take("a", 1)).isTrue();
  }

  @Test
  void aDebtThatCouldNeverBeRepaidFailsTheChargeAndLeavesTheBucketAlone() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    assertThatThrownBy(() -> bucket.charge(Long.MAX_VALUE / 2).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ArithmeticException.class);
    assertThat(take("a", 60)).isTrue();
  }

  @Test
  void aBucketTakesOnlyPositiveAmounts() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    assertThatThrownBy(() -> bucket.tryConsumeNow(0, clock.nanoTime())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bucket.refund(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bucket.charge(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theStoreTellsTheTimeOfItsClock() {
    clock.advance(Duration.ofSeconds(3));
    assertThat(store.nanoTime()).isEqualTo(clock.nanoTime());
  }
}
