package dev.switchboard.core.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeakEwmaTest {
  private static final long TAU = Duration.ofSeconds(10).toNanos();
  private static final long MS = 1_000_000L;

  private final ManualClock clock = new ManualClock(1_000 * MS);
  private final PeakEwma ewma = new PeakEwma(clock, TAU);

  @Test
  void aSampleAboveTheEstimateReplacesIt() {
    ewma.observe(100 * MS);
    clock.advance(Duration.ofSeconds(1));
    ewma.observe(300 * MS);

    // A peak is taken whole, not averaged in, however little time has passed.
    assertThat(ewma.estimateNanos()).isEqualTo(300.0 * MS);
  }

  @Test
  void aLowerSampleMovesTheEstimateByTheTimeWeight() {
    ewma.observe(1_000 * MS);
    clock.advance(Duration.ofSeconds(5));
    ewma.observe(200 * MS);

    double w = Math.exp(-5.0 / 10.0);
    assertThat(ewma.estimateNanos())
        .isCloseTo(1_000 * MS * w + 200 * MS * (1 - w), within(1e-3))
        .isCloseTo(685_224_527.8, within(1.0));
  }

  @Test
  void aLowerSampleAtTheSameInstantLeavesTheEstimateUnchanged() {
    ewma.observe(400 * MS);
    ewma.observe(100 * MS);

    // w = exp(0) = 1: without elapsed time the old estimate keeps all its weight.
    assertThat(ewma.estimateNanos()).isEqualTo(400.0 * MS);
  }

  @Test
  void readingTheCostAfterOneDecayTimeLeavesEstimateTimesOneOverE() {
    ewma.observe(100 * MS);
    clock.advanceNanos(TAU);

    double first = ewma.cost(0);
    double second = ewma.cost(0);

    assertThat(first).isCloseTo(100 * MS * Math.exp(-1), within(1e-3));
    assertThat(second).isEqualTo(first);
    assertThat(ewma.estimateNanos()).isEqualTo(first);
  }

  @Test
  void theCostKeepsDecayingTowardZeroWhileNothingRefreshesIt() {
    ewma.observe(100 * MS);
    clock.advanceNanos(TAU);
    ewma.cost(0);
    clock.advanceNanos(TAU);

    assertThat(ewma.cost(0)).isCloseTo(100 * MS * Math.exp(-2), within(1e-3));
  }

  @Test
  void readingTheEstimateDoesNotDecayIt() {
    ewma.observe(100 * MS);
    clock.advanceNanos(5 * TAU);

    assertThat(ewma.estimateNanos()).isEqualTo(100.0 * MS);
  }

  @Test
  void costIsTheEstimateTimesPendingPlusOne() {
    ewma.observe(200 * MS);

    assertThat(ewma.cost(0)).isEqualTo(200.0 * MS);
    assertThat(ewma.cost(3)).isEqualTo(800.0 * MS);
  }

  @Test
  void withoutASampleButWithPendingRequestsTheCostIsThePenaltyPlusPending() {
    assertThat(PeakEwma.PENALTY).isEqualTo((double) (Long.MAX_VALUE >> 16));
    assertThat(ewma.cost(1)).isEqualTo(PeakEwma.PENALTY + 1);
    assertThat(ewma.cost(7)).isEqualTo(PeakEwma.PENALTY + 7);
  }

  @Test
  void withoutASampleOrPendingRequestsTheCostIsZero() {
    clock.advanceNanos(TAU);

    assertThat(ewma.cost(0)).isZero();
  }

  @Test
  void aNegativeSampleCountsAsZero() {
    ewma.observe(-5 * MS);

    assertThat(ewma.estimateNanos()).isZero();
  }

  @Test
  void aSampleAtOrAboveTheEstimateIsTakenWholeByObserveAtLeast() {
    ewma.observe(100 * MS);
    clock.advance(Duration.ofSeconds(1));
    ewma.observeAtLeastEstimate(250 * MS);

    assertThat(ewma.estimateNanos()).isEqualTo(250.0 * MS);
  }

  @Test
  void aSampleBelowTheEstimateNeitherLowersNorDecaysItInObserveAtLeast() {
    ewma.observe(100 * MS);
    clock.advance(Duration.ofSeconds(3));
    ewma.cost(0); // decays to a fractional value, which a truncating cast would lower
    double before = ewma.estimateNanos();
    clock.advance(Duration.ofSeconds(3));

    ewma.observeAtLeastEstimate(1 * MS);

    assertThat(ewma.estimateNanos()).isEqualTo(before);
    // The sample refreshed the estimate: the 3 s before it no longer count as decay.
    assertThat(ewma.cost(0)).isEqualTo(before);
  }

  @Test
  void theDecayTimeMustBePositive() {
    assertThatThrownBy(() -> new PeakEwma(clock, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decay time must be > 0");
    assertThatThrownBy(() -> new PeakEwma(clock, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
