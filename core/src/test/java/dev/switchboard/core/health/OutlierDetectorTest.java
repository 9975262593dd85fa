package dev.switchboard.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.health.EjectionDecision.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  private static final int N = 3;
  private static final Duration BASE = Duration.ofSeconds(10);
  private static final Duration MAX = Duration.ofSeconds(35);
  private static final long S = 1_000_000_000L;

  private final ManualClock clock = new ManualClock(1_000 * S);
  private final OutlierDetector<Integer> detector = tracking(4, new OutlierPolicy(N, BASE, MAX, 50));

  @Test
  void oneFailureShortOfTheThresholdDoesNotEject() {
    for (int i = 0; i < N - 1; i++) {
      assertThat(detector.recordFailure(0).outcome()).isEqualTo(Outcome.COUNTED);
    }
    assertThat(detector.isEjected(0)).isFalse();
    assertThat(detector.ejectedCount()).isZero();
  }

  @Test
  void reachingTheThresholdEjectsForTheBaseEjectionFromNow() {
    EjectionDecision decision = failTimes(0, N);

    assertThat(decision.ejected()).isTrue();
    assertThat(decision.durationNanos()).isEqualTo(10 * S);
    assertThat(decision.untilNanos()).isEqualTo(1_010 * S);
    assertThat(detector.isEjected(0)).isTrue();
    assertThat(detector.isEjected(1)).isFalse();
    assertThat(detector.ejectedCount()).isEqualTo(1);
    assertThat(detector.nextReadmissionNanos()).hasValue(1_010 * S);
  }

  @Test
  void aSuccessInBetweenStartsTheCountAgain() {
    failTimes(0, N - 1);
    detector.recordSuccess(0);
    failTimes(0, N - 1);

    assertThat(detector.isEjected(0)).isFalse();
    assertThat(detector.recordFailure(0).ejected()).isTrue();
  }

  @Test
  void failuresOfRequestsSentBeforeTheEjectionChangeNothing() {
    failTimes(0, N);

    EjectionDecision late = detector.recordFailure(0);

    assertThat(late.outcome()).isEqualTo(Outcome.ALREADY_EJECTED);
    assertThat(detector.ejectedCount()).isEqualTo(1);
  }

  @Test
  void staysOutUntilTheEjectionTimeAndIsReadmittedAtIt() {
    failTimes(0, N);

    clock.advance(BASE.minusNanos(1));
    assertThat(detector.readmitDue()).isEmpty();
    assertThat(detector.isEjected(0)).isTrue();

    clock.advanceNanos(1);
    assertThat(detector.readmitDue()).containsExactly(0);
    assertThat(detector.isEjected(0)).isFalse();
    assertThat(detector.ejectedCount()).isZero();
    assertThat(detector.readmitDue()).as("re-admitted once").isEmpty();
    assertThat(detector.nextReadmissionNanos()).isEmpty();
  }

  @Test
  void aReadmittedReplicaNeedsAFullRunOfFreshFailuresToGoOutAgain() {
    failTimes(0, N);
    clock.advance(BASE);
    detector.readmitDue();

    assertThat(failTimes(0, N - 1).ejected()).isFalse();
    assertThat(detector.recordFailure(0).ejected()).isTrue();
  }

  @Test
  void ejectionTimeDoublesWhileTheReplicaFailsAgainBeforeAnySuccess() {
    assertThat(ejectAndReadmit(0)).isEqualTo(10 * S);
    assertThat(ejectAndReadmit(0)).isEqualTo(20 * S);
    assertThat(ejectAndReadmit(0)).as("capped at the maximum").isEqualTo(35 * S);
    assertThat(ejectAndReadmit(0)).isEqualTo(35 * S);
  }

  @Test
  void aSuccessAfterReadmissionEndsTheRunOfEjections() {
    ejectAndReadmit(0);
    ejectAndReadmit(0);

    detector.recordSuccess(0);

    assertThat(ejectAndReadmit(0)).isEqualTo(10 * S);
  }

  @Test
  void aSuccessWhileStillEjectedDoesNotEndTheRun() {
    ejectAndReadmit(0);
    failTimes(0, N);
    detector.recordSuccess(0); // a request sent before the ejection completing late
    clock.advance(MAX);
    detector.readmitDue();

    // Third in a row: 40 s capped at 35 s; had the late success counted it would be 10 s.
    assertThat(ejectAndReadmit(0)).isEqualTo(35 * S);
  }

  @Test
  void neverEjectsMoreThanTheMaxPercentOfThePool() {
    assertThat(failTimes(0, N).ejected()).isTrue();
    assertThat(failTimes(1, N).ejected()).isTrue();

    EjectionDecision third = failTimes(2, N);

    assertThat(third.outcome()).isEqualTo(Outcome.CAPPED);
    assertThat(detector.isEjected(2)).isFalse();
    assertThat(detector.ejectedCount()).isEqualTo(2);
  }

  @Test
  void aCappedReplicaGoesOutAtItsNextFailureOnceAnotherIsBack() {
    failTimes(0, N);
    clock.advance(Duration.ofSeconds(1));
    failTimes(1, N);
    failTimes(2, N);
    clock.advance(BASE.minusSeconds(1));
    assertThat(detector.readmitDue()).containsExactly(0);

    assertThat(detector.recordFailure(2).ejected()).isTrue();
    assertThat(detector.ejectedCount()).isEqualTo(2);
  }

  @Test
  void aPoolOfOneNeverEjectsItsOnlyReplicaBelowAHundredPercent() {
    OutlierDetector<Integer> single = tracking(1, new OutlierPolicy(1, BASE, MAX, 99));

    for (int i = 0; i < 10; i++) {
      assertThat(single.recordFailure(0).outcome()).isEqualTo(Outcome.CAPPED);
    }
    assertThat(single.isEjected(0)).isFalse();
  }

  @Test
  void aHundredPercentLetsTheWholePoolGo() {
    OutlierDetector<Integer> all = tracking(2, new OutlierPolicy(1, BASE, MAX, 100));

    assertThat(all.recordFailure(0).ejected()).isTrue();
    assertThat(all.recordFailure(1).ejected()).isTrue();
    assertThat(all.ejectedCount()).isEqualTo(2);
  }

  @Test
  void readmitsEveryDueReplicaAndKeepsTheOthersOut() {
    OutlierDetector<Integer> all = tracking(3, new OutlierPolicy(1, BASE, MAX, 100));
    all.recordFailure(2);
    clock.advance(Duration.ofSeconds(5));
    all.recordFailure(0);
    all.recordFailure(1);
    clock.advance(Duration.ofSeconds(5));

    assertThat(all.readmitDue()).containsExactly(2);
    assertThat(all.nextReadmissionNanos()).hasValue(1_015 * S);
    clock.advance(Duration.ofSeconds(5));
    assertThat(all.readmitDue()).containsExactly(0, 1);
  }

  @Test
  void outcomesOfAReplicaNotTrackedCountForNothing() {
    assertThat(detector.recordFailure(4).outcome()).isEqualTo(Outcome.NOT_TRACKED);
    detector.recordSuccess(-1);
    assertThat(detector.isEjected(7)).isFalse();
    assertThat(detector.size()).isEqualTo(4);
  }

  @Test
  void theCapCountsThePoolAsItIsAtEachEjection() {
    OutlierDetector<Integer> two = tracking(2, new OutlierPolicy(1, BASE, MAX, 50));

    assertThat(two.recordFailure(0).ejected()).isTrue();
    assertThat(two.recordFailure(1).outcome()).isEqualTo(Outcome.CAPPED);
    two.track(2);
    two.track(3);
    assertThat(two.recordFailure(1).ejected()).as("2 of 4 out is 50%").isTrue();
  }

  @Test
  void aReplicaThatLeavesWhileEjectedNoLongerCountsAgainstTheCap() {
    OutlierDetector<Integer> two = tracking(2, new OutlierPolicy(1, BASE, MAX, 50));
    two.recordFailure(0);
    two.track(2);

    two.forget(0);

    assertThat(two.ejectedCount()).isZero();
    assertThat(two.recordFailure(1).ejected()).isTrue();
    assertThat(two.nextReadmissionNanos()).hasValue(1_010 * S);
    clock.advance(BASE);
    assertThat(two.readmitDue()).containsExactly(1);
  }

  @Test
  void trackingAReplicaTwiceKeepsItsRecord() {
    failTimes(0, N - 1);

    detector.track(0);

    assertThat(detector.recordFailure(0).ejected()).isTrue();
  }

  private OutlierDetector<Integer> tracking(int replicas, OutlierPolicy policy) {
    OutlierDetector<Integer> d = new OutlierDetector<>(policy, clock);
    for (int i = 0; i < replicas; i++) {
      d.track(i);
    }
    return d;
  }

  private EjectionDecision failTimes(int replica, int times) {
    EjectionDecision last = null;
    for (int i = 0; i < times; i++) {
      last = detector.recordFailure(replica);
    }
    return last;
  }

  /** Ejects {@code replica}, waits out the ejection, re-admits it; returns the ejection length. */
  private long ejectAndReadmit(int replica) {
    EjectionDecision decision = failTimes(replica, N);
    assertThat(decision.ejected()).isTrue();
    clock.advanceNanos(decision.durationNanos());
    assertThat(detector.readmitDue()).contains(replica);
    return decision.durationNanos();
  }
}
