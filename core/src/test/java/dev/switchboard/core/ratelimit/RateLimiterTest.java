package dev.switchboard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.request.RequestInfo;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  private final ManualClock clock = new ManualClock();

  private RateLimiter limiter(Quota perKey, Map<String, Quota> tiers) {
    return new RateLimiter(new RateLimits(perKey, tiers, Map.of()), new InMemoryBucketStore(clock));
  }

  private static int admitted(RateLimiter limiter, String key, String tier, long tokens, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (limiter.acquireNow(key, tier, tokens).allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void requestsPerMinuteAdmitsExactlyTheLimitThenRefuses() {
    RateLimiter limiter = limiter(new Quota(30, 0), Map.of());
    assertThat(admitted(limiter, "k", "standard", 10, 100)).isEqualTo(30);
    RateDecision refused = limiter.acquireNow("k", "standard", 10).decision();
    assertThat(refused.outcome()).isEqualTo(RateDecision.Outcome.LIMITED);
    assertThat(refused.limitedBy()).isEqualTo(LimitedBy.KEY_REQUESTS);
  }

  @Test
  void eachKeyHasItsOwnBuckets() {
    RateLimiter limiter = limiter(new Quota(5, 0), Map.of());
    assertThat(admitted(limiter, "a", "standard", 1, 10)).isEqualTo(5);
    assertThat(admitted(limiter, "b", "standard", 1, 10)).isEqualTo(5);
  }

  @Test
  void aReservationForALargeMaxTokensBlocksTheNextRequest() {
    RateLimiter limiter = limiter(new Quota(0, 1000), Map.of());
    RequestInfo big = new RequestInfo("m", 100, 600, "t", "standard");
    assertThat(limiter.acquire("k", big).toCompletableFuture().join().allowed()).isTrue();
    RateLimitResult second = limiter.acquire("k", big).toCompletableFuture().join();
    assertThat(second.allowed()).as("700 reserved, 300 left, 700 asked").isFalse();
    assertThat(second.decision().limitedBy()).isEqualTo(LimitedBy.KEY_TOKENS);
    assertThat(second.decision().remainingTokens()).isEqualTo(300);
  }

  @Test
  void aRequestLargerThanTheTokenLimitNeverFits() {
    RateLimiter limiter = limiter(new Quota(0, 1000), Map.of());
    RateDecision d = limiter.acquireNow("k", "standard", 1001).decision();
    assertThat(d.neverFits()).isTrue();
    assertThat(d.retryAfterNanos()).isEqualTo(RateDecision.NEVER);
    assertThat(limiter.acquireNow("k", "standard", 1000).allowed()).as("nothing was taken").isTrue();
  }

  @Test
  void settlingWithFewerTokensRefundsTheDifference() {
    RateLimiter limiter = limiter(new Quota(0, 1000), Map.of());
    RateLimitResult first = limiter.acquireNow("k", "standard", 700);
    assertThat(limiter.acquireNow("k", "standard", 700).allowed()).isFalse();
    first.reservation().settle(200).toCompletableFuture().join();
    RateLimitResult second = limiter.acquireNow("k", "standard", 700);
    assertThat(second.allowed()).isTrue();
    assertThat(second.decision().remainingTokens()).isEqualTo(1000 - 200 - 700);
  }

  @Test
  void settlingWithMoreTokensChargesTheDifferenceIntoDebt() {
    RateLimiter limiter = limiter(new Quota(0, 600), Map.of());
    RateLimitResult first = limiter.acquireNow("k", "standard", 100);
    first.reservation().settle(900).toCompletableFuture().join();
    RateDecision refused = limiter.acquireNow("k", "standard", 60).decision();
    assertThat(refused.limitedBy()).isEqualTo(LimitedBy.KEY_TOKENS);
    assertThat(refused.remainingTokens()).isZero();
    // 300 tokens of debt plus the 60 asked, at 10 tokens a second.
    assertThat(refused.retryAfterNanos()).isEqualTo(36 * SECOND);
  }

  @Test
  void settleAppliesOnlyOnce() {
    RateLimiter limiter = limiter(new Quota(0, 1000), Map.of());
    RateLimitResult first = limiter.acquireNow("k", "standard", 500);
    first.reservation().settle(0);
    first.reservation().settle(1000);
    assertThat(first.reservation().settled()).isTrue();
    assertThat(limiter.acquireNow("k", "standard", 1000).allowed()).as("the second settle did nothing").isTrue();
  }

  @Test
  void settleRejectsNegativeUsage() {
    RateLimiter limiter = limiter(new Quota(0, 1000), Map.of());
    Reservation r = limiter.acquireNow("k", "standard", 10).reservation();
    assertThatThrownBy(() -> r.settle(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(r.settled()).isFalse();
  }

  @Test
  void aRequestRefusedForTokensGivesItsRequestTokenBack() {
    RateLimiter limiter = limiter(new Quota(3, 100), Map.of());
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquireNow("k", "standard", 500).allowed()).isFalse();
    }
    assertThat(admitted(limiter, "k", "standard", 10, 10)).as("the refusals cost no requests").isEqualTo(3);
  }

  @Test
  void aRequestRefusedByTheTierGivesTheKeysTokensBack() {
    RateLimiter limiter = limiter(new Quota(10, 1000), Map.of("free", new Quota(0, 100)));
    RateDecision refused = limiter.acquireNow("k", "free", 200).decision();
    assertThat(refused.limitedBy()).isEqualTo(LimitedBy.TIER_TOKENS);
    assertThat(refused.remainingRequests()).isEqualTo(10);
    // Had the key kept the 200, only 800 would be left for the other tier.
    assertThat(limiter.acquireNow("k", "standard", 1000).allowed()).isTrue();
  }

  @Test
  void aTierLimitIsSharedByTheKeysOfTheTier() {
    RateLimiter limiter = limiter(new Quota(100, 0), Map.of("vip", new Quota(3, 0)));
    assertThat(limiter.acquireNow("a", "vip", 1).allowed()).isTrue();
    assertThat(limiter.acquireNow("b", "vip", 1).allowed()).isTrue();
    assertThat(limiter.acquireNow("c", "vip", 1).allowed()).isTrue();
    RateDecision fourth = limiter.acquireNow("d", "vip", 1).decision();
    assertThat(fourth.limitedBy()).isEqualTo(LimitedBy.TIER_REQUESTS);
    assertThat(fourth.limitedBy().tier()).isTrue();
    assertThat(limiter.acquireNow("a", "standard", 1).allowed()).as("another tier is not limited").isTrue();
  }

  @Test
  void aKeyOverrideReplacesTheDefault() {
    RateLimits limits = new RateLimits(new Quota(2, 0), Map.of(), Map.of("big", new Quota(5, 0)));
    RateLimiter limiter = new RateLimiter(limits, new InMemoryBucketStore(clock));
    assertThat(admitted(limiter, "big", "standard", 1, 10)).isEqualTo(5);
    assertThat(admitted(limiter, "small", "standard", 1, 10)).isEqualTo(2);
  }

  @Test
  void headerNumbersCountDownAndResetWhenTheBucketWouldBeFull() {
    RateLimiter limiter = limiter(new Quota(10, 600), Map.of());
    RateDecision first = limiter.acquireNow("k", "standard", 60).decision();
    assertThat(first.limitRequests()).isEqualTo(10);
    assertThat(first.remainingRequests()).isEqualTo(9);
    assertThat(first.resetRequestsNanos()).as("one request refills in 6 s").isEqualTo(6 * SECOND);
    assertThat(first.limitTokens()).isEqualTo(600);
    assertThat(first.remainingTokens()).isEqualTo(540);
    assertThat(first.resetTokensNanos()).as("60 tokens at 10/s").isEqualTo(6 * SECOND);
    RateDecision second = limiter.acquireNow("k", "standard", 60).decision();
    assertThat(second.remainingRequests()).isEqualTo(8);
    assertThat(second.resetRequestsNanos()).isEqualTo(12 * SECOND);
    clock.advance(Duration.ofSeconds(6));
    RateDecision third = limiter.acquireNow("k", "standard", 60).decision();
    assertThat(third.remainingRequests()).as("one refilled, one taken").isEqualTo(8);
  }

  @Test
  void headerNumbersDescribeTheTightestOfKeyAndTier() {
    RateLimiter limiter = limiter(new Quota(10, 0), Map.of("free", new Quota(4, 0)));
    RateDecision d = limiter.acquireNow("k", "free", 1).decision();
    assertThat(d.limitRequests()).isEqualTo(4);
    assertThat(d.remainingRequests()).isEqualTo(3);
    assertThat(d.hasTokenLimit()).isFalse();
  }

  @Test
  void retryAfterIsTheTimeUntilEnoughTokensRefill() {
    RateLimiter limiter = limiter(new Quota(60, 0), Map.of());
    assertThat(admitted(limiter, "k", "standard", 1, 60)).isEqualTo(60);
    RateDecision refused = limiter.acquireNow("k", "standard", 1).decision();
    assertThat(refused.retryAfterNanos()).isEqualTo(SECOND);
    clock.advanceNanos(SECOND - 1);
    assertThat(limiter.acquireNow("k", "standard", 1).decision().retryAfterNanos()).isEqualTo(1);
    clock.advanceNanos(1);
    assertThat(limiter.acquireNow("k", "standard", 1).allowed()).isTrue();
  }

  @Test
  void retryAfterForTokensCountsTheTokensAsked() {
    RateLimiter limiter = limiter(new Quota(0, 600), Map.of());
    limiter.acquireNow("k", "standard", 600);
    RateDecision refused = limiter.acquireNow("k", "standard", 50).decision();
    assertThat(refused.retryAfterNanos()).isEqualTo(5 * SECOND);
    clock.advance(Duration.ofSeconds(5));
    assertThat(limiter.acquireNow("k", "standard", 50).allowed()).isTrue();
  }

  @Test
  void whenSeveralLimitsRefuseTheRetryAfterIsTheLongest() {
    RateLimiter limiter = limiter(new Quota(60, 600), Map.of());
    limiter.acquireNow("k", "standard", 600);
    admitted(limiter, "k", "standard", 1, 100);
    RateDecision refused = limiter.acquireNow("k", "standard", 100).decision();
    assertThat(refused.limitedBy()).isEqualTo(LimitedBy.KEY_TOKENS);
    assertThat(refused.retryAfterNanos()).isEqualTo(10 * SECOND);
  }

  @Test
  void aRequestOfUnknownSizeStillNeedsOneToken() {
    RateLimiter limiter = limiter(new Quota(0, 100), Map.of());
    RateLimitResult a = limiter.acquireNow("k", "standard", 0);
    assertThat(a.reservation().reservedTokens()).isEqualTo(1);
    a.reservation().settle(150);
    assertThat(limiter.acquireNow("k", "standard", 0).allowed()).as("in debt").isFalse();
  }

  @Test
  void withoutLimitsEverythingIsAdmittedAndNoHeadersAreDue() {
    RateLimiter limiter = new RateLimiter(RateLimits.NONE, new InMemoryBucketStore(clock));
    RateDecision d = limiter.acquireNow("k", "standard", 1_000_000).decision();
    assertThat(d.allowed()).isTrue();
    assertThat(d.hasRequestLimit()).isFalse();
    assertThat(d.hasTokenLimit()).isFalse();
  }

  @Test
  void aChangedLimitStartsAFreshBucket() {
    InMemoryBucketStore store = new InMemoryBucketStore(clock);
    RateLimiter before = new RateLimiter(new RateLimits(new Quota(2, 0), Map.of(), Map.of()), store);
    assertThat(admitted(before, "k", "standard", 1, 5)).isEqualTo(2);
    RateLimiter after = new RateLimiter(new RateLimits(new Quota(3, 0), Map.of(), Map.of()), store);
    assertThat(admitted(after, "k", "standard", 1, 5)).isEqualTo(3);
  }

  @Test
  void aStoreFailureFailsTheAdmissionAndGivesBackWhatWasTaken() {
    InMemoryBucketStore memory = new InMemoryBucketStore(clock);
    BucketStore tokensDown =
        (name, spec) -> name.startsWith("tpm") ? new Unreachable() : memory.bucket(name, spec);
    RateLimits limits = new RateLimits(new Quota(2, 1000), Map.of(), Map.of());
    RateLimiter failing = new RateLimiter(limits, tokensDown);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> failing.acquire("k", "standard", 10).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .hasRootCauseMessage("store down");
    }
    assertThat(admitted(new RateLimiter(limits, memory), "k", "standard", 10, 5)).isEqualTo(2);
  }

  @Test
  void acquireNowRefusesAStoreThatDoesNotAnswerAtOnce() {
    BucketStore slow = (name, spec) -> new Pending();
    RateLimiter limiter = new RateLimiter(new RateLimits(new Quota(1, 0), Map.of(), Map.of()), slow);
    assertThatThrownBy(() -> limiter.acquireNow("k", "standard", 1)).isInstanceOf(IllegalStateException.class);
  }

  private static final class Unreachable implements TokenBucket {
    @Override
    public CompletionStage<ConsumptionProbe> tryConsume(long tokens) {
      return CompletableFuture.failedFuture(new IllegalStateException("store down"));
    }

    @Override
    public CompletionStage<Void> refund(long tokens) {
      return CompletableFuture.failedFuture(new IllegalStateException("store down"));
    }

    @Override
    public CompletionStage<Void> charge(long tokens) {
      return CompletableFuture.failedFuture(new IllegalStateException("store down"));
    }
  }

  private static final class Pending implements TokenBucket {
    @Override
    public CompletionStage<ConsumptionProbe> tryConsume(long tokens) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Void> refund(long tokens) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Void> charge(long tokens) {
      return new CompletableFuture<>();
    }
  }

  @Test
  void withoutATokenLimitAnAdmittedRequestHoldsNothingToSettle() {
    RateLimiter limiter = limiter(new Quota(30, 0), Map.of());
    RateLimitResult a = limiter.acquireNow("k", "standard", 500);
    assertThat(a.allowed()).isTrue();
    assertThat(a.reservation()).isSameAs(Reservation.NONE);
  }

  @Test
  void aKeyMovedToAnotherTierKeepsItsOwnBucketsAndTakesTheNewTiers() {
    RateLimiter limiter =
        limiter(new Quota(10, 0), Map.of("free", new Quota(3, 0), "vip", new Quota(100, 0)));
    assertThat(admitted(limiter, "k", "free", 1, 5)).as("the free tier's 3").isEqualTo(3);
    assertThat(admitted(limiter, "k", "vip", 1, 10)).as("the key's 7 left of 10").isEqualTo(7);
    assertThat(limiter.acquireNow("k", "free", 1).decision().limitedBy()).isEqualTo(LimitedBy.TIER_REQUESTS);
    assertThat(limiter.acquireNow("other", "vip", 1).allowed()).as("vip has 93 left").isTrue();
  }

  @Test
  void aDecisionOverFourLimitsReadsTheClockOnce() {
    int[] readings = {0};
    RateLimiter limiter =
        new RateLimiter(
            new RateLimits(new Quota(100, 1000), Map.of("standard", new Quota(100, 1000)), Map.of()),
            new InMemoryBucketStore(
                () -> {
                  readings[0]++;
                  return clock.nanoTime();
                }));
    limiter.acquireNow("k", "standard", 10);
    int afterFirst = readings[0];
    limiter.acquireNow("k", "standard", 10);
    assertThat(readings[0] - afterFirst).isEqualTo(1);
  }
}
