package dev.switchboard.core.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicaTest {
  private static final long MS = 1_000_000L;

  private final ManualClock clock = new ManualClock(5_000 * MS);
  private final Replica replica = new Replica("a", 2.0, clock, Duration.ofSeconds(10));

  @Test
  void aNewReplicaIsReadyIdleAndUnreported() {
    assertThat(replica.state()).isEqualTo(ReplicaState.READY);
    assertThat(replica.inFlight()).isZero();
    assertThat(replica.load()).isSameAs(LoadReport.NONE);
    assertThat(replica.latency().estimateNanos()).isZero();
    assertThat(replica.serviceRatePerSecond()).isNaN();
  }

  @Test
  void dispatchesAndCompletionsMoveTheInFlightCount() {
    long first = replica.onDispatch();
    long second = replica.onDispatch();
    assertThat(replica.inFlight()).isEqualTo(2);

    replica.onComplete(first, true);
    assertThat(replica.inFlight()).isEqualTo(1);
    replica.onComplete(second, false);
    assertThat(replica.inFlight()).isZero();
  }

  @Test
  void theFirstByteDoesNotChangeTheInFlightCount() {
    long start = replica.onDispatch();
    clock.advanceNanos(10 * MS);
    replica.onFirstByte(start);

    assertThat(replica.inFlight()).isEqualTo(1);
  }

  @Test
  void dispatchReturnsTheClockReadingAsTheStartStamp() {
    assertThat(replica.onDispatch()).isEqualTo(5_000 * MS);
  }

  @Test
  void theFirstByteLatencyIsWhatPeakEwmaLearns() {
    long start = replica.onDispatch();
    clock.advanceNanos(150 * MS);
    replica.onFirstByte(start);
    clock.advanceNanos(2_000 * MS);
    replica.onComplete(start, true);

    // The stream's 2 s tail is not latency: only the time to the first byte is learned.
    assertThat(replica.latency().estimateNanos()).isEqualTo(150.0 * MS);
  }

  @Test
  void peakEwmaCostCountsTheRequestsInFlight() {
    replica.latency().observe(100 * MS);
    replica.onDispatch();
    replica.onDispatch();

    assertThat(replica.peakEwmaCost()).isEqualTo(300.0 * MS);
  }

  @Test
  void aFailedRequestNeverLowersTheEstimate() {
    replica.latency().observe(100 * MS);
    clock.advance(Duration.ofSeconds(1));
    replica.peakEwmaCost(); // decayed to a fractional number of nanoseconds
    double before = replica.latency().estimateNanos();

    long start = replica.onDispatch();
    clock.advanceNanos(1 * MS);
    replica.onComplete(start, false);

    assertThat(replica.latency().estimateNanos()).isGreaterThanOrEqualTo(before);
  }

  @Test
  void aFastFailureAfterAWholeNumberEstimateLeavesItExactly() {
    replica.latency().observe(100 * MS);
    clock.advance(Duration.ofSeconds(4));

    long start = replica.onDispatch();
    clock.advanceNanos(1 * MS);
    replica.onComplete(start, false);

    assertThat(replica.latency().estimateNanos()).isEqualTo(100.0 * MS);
  }

  @Test
  void aFailureSlowerThanTheEstimateRaisesIt() {
    replica.latency().observe(100 * MS);
    long start = replica.onDispatch();
    clock.advanceNanos(2_000 * MS);
    replica.onComplete(start, false);

    assertThat(replica.latency().estimateNanos()).isEqualTo(2_000.0 * MS);
  }

  @Test
  void aFailureBeforeAnySampleTeachesItsDuration() {
    long start = replica.onDispatch();
    clock.advanceNanos(300 * MS);
    replica.onComplete(start, false);

    assertThat(replica.latency().estimateNanos()).isEqualTo(300.0 * MS);
  }

  @Test
  void aSuccessfulCompletionTeachesTheServiceRate() {
    long start = replica.onDispatch();
    clock.advanceNanos(250 * MS);
    replica.onComplete(start, true);

    assertThat(replica.serviceRatePerSecond()).isCloseTo(4.0, within(1e-9));
  }

  @Test
  void aFailedCompletionDoesNotCountAsServed() {
    long start = replica.onDispatch();
    clock.advanceNanos(250 * MS);
    replica.onComplete(start, false);

    assertThat(replica.serviceRatePerSecond()).isNaN();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
  void theWeightMustBeAPositiveFiniteNumber(double weight) {
    assertThatThrownBy(() -> new Replica("a", weight, clock, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight must be a positive number");
  }

  @Test
  void theIdAndClockAreRequired() {
    assertThatThrownBy(() -> new Replica(null, clock)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Replica("a", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theDecayTimeMustBePositive() {
    assertThatThrownBy(() -> new Replica("a", 1.0, clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decay time must be > 0");
  }

  @Test
  void theSnapshotShowsTheCurrentValues() {
    LoadReport report = new LoadReport(4, 8, 0.5, clock.nanoTime());
    replica.report(report);
    replica.setState(ReplicaState.DRAINING);
    long done = replica.onDispatch();
    clock.advanceNanos(100 * MS);
    replica.onFirstByte(done);
    replica.onComplete(done, true);
    replica.onDispatch();

    ReplicaSnapshot snapshot = replica.snapshot();

    assertThat(snapshot.id()).isEqualTo("a");
    assertThat(snapshot.weight()).isEqualTo(2.0);
    assertThat(snapshot.state()).isEqualTo(ReplicaState.DRAINING);
    assertThat(snapshot.inFlight()).isEqualTo(1);
    assertThat(snapshot.latencyEwmaNanos()).isEqualTo(100.0 * MS);
    assertThat(snapshot.serviceRatePerSecond()).isCloseTo(10.0, within(1e-9));
    assertThat(snapshot.load()).isSameAs(report);
  }

  @Test
  void theSnapshotDoesNotFollowLaterChanges() {
    ReplicaSnapshot snapshot = replica.snapshot();
    replica.onDispatch();

    assertThat(snapshot.inFlight()).isZero();
  }
}
