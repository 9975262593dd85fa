package dev.switchboard.core.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
  private final ManualClock clock = new ManualClock();

  private Replica replica(int index, int inFlight) {
    Replica r = new Replica("r" + index, clock);
    for (int i = 0; i < inFlight; i++) {
      r.onDispatch();
    }
    return r;
  }

  private Replica reporting(int index, int inFlight, int waiting) {
    Replica r = replica(index, inFlight);
    r.report(new LoadReport(waiting, inFlight, 0.5, clock.nanoTime()));
    return r;
  }

  @Test
  void aFixedLimitAdmitsUpToTheMaximumWhateverTheReplicaReports() {
    ConcurrencyLimit limit = ConcurrencyLimit.fixed(4);

    assertThat(limit.hasCapacity(reporting(0, 3, 0))).isTrue();
    assertThat(limit.hasCapacity(reporting(1, 4, 0))).isFalse();
    assertThat(limit.hasCapacity(reporting(2, 3, 50))).isTrue();
  }

  @Test
  void anInferredLimitGoesBeyondTheMaximumWhileTheEngineHasNothingWaiting() {
    ConcurrencyLimit limit = ConcurrencyLimit.inferred(4, 16);

    assertThat(limit.hasCapacity(reporting(0, 10, 0))).isTrue();
    assertThat(limit.hasCapacity(reporting(1, 15, 0))).isTrue();
    assertThat(limit.hasCapacity(reporting(2, 16, 0))).as("the hard cap").isFalse();
  }

  @Test
  void anInferredLimitHoldsRequestsAtTheMaximumOnceTheEngineQueues() {
    ConcurrencyLimit limit = ConcurrencyLimit.inferred(4, 16);

    assertThat(limit.hasCapacity(reporting(0, 3, 2))).isTrue();
    assertThat(limit.hasCapacity(reporting(1, 4, 1))).isFalse();
  }

  @Test
  void aReplicaThatNeverReportedIsHeldToTheMaximum() {
    ConcurrencyLimit limit = ConcurrencyLimit.inferred(4, 16);

    assertThat(limit.hasCapacity(replica(0, 3))).isTrue();
    assertThat(limit.hasCapacity(replica(1, 4))).isFalse();
  }

  @Test
  void aSetHasCapacityWhenAnyCandidateHas() {
    ConcurrencyLimit limit = ConcurrencyLimit.fixed(2);
    Replica full = replica(0, 2);
    Replica free = replica(1, 1);

    assertThat(limit.hasCapacity(ReplicaSet.of(full, free))).isTrue();
    assertThat(limit.hasCapacity(ReplicaSet.of(full))).isFalse();
    assertThat(limit.hasCapacity(ReplicaSet.empty())).isFalse();
  }

  @Test
  void eligibleKeepsTheCandidatesWithCapacityInOrder() {
    ConcurrencyLimit limit = ConcurrencyLimit.fixed(2);
    Replica a = replica(0, 0);
    Replica full = replica(1, 2);
    Replica b = replica(2, 1);
    Replica alsoFull = replica(3, 5);

    assertThat(limit.eligible(ReplicaSet.of(a, full, b, alsoFull)).asList()).containsExactly(a, b);
    assertThat(limit.eligible(ReplicaSet.of(full, alsoFull)).isEmpty()).isTrue();
  }

  @Test
  void eligibleReturnsTheSameSetWhenEveryCandidateHasCapacity() {
    ConcurrencyLimit limit = ConcurrencyLimit.fixed(2);
    ReplicaSet all = ReplicaSet.of(replica(0, 0), replica(1, 1));

    assertThat(limit.eligible(all)).isSameAs(all);
  }

  @Test
  void badLimitsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> ConcurrencyLimit.fixed(0))
        .hasMessage("max_in_flight: must be >= 1, was 0");
    assertThatThrownBy(() -> ConcurrencyLimit.inferred(8, 4))
        .hasMessage("hard_cap: must be >= max_in_flight (8), was 4");
  }

  @Test
  void freeSlotsCountWhatEveryReplicaCanStillTake() {
    ManualClock clock = new ManualClock();
    Replica a = new Replica("a", clock);
    Replica b = new Replica("b", clock);
    a.onDispatch();
    a.onDispatch();
    b.onDispatch();
    ReplicaSet both = ReplicaSet.of(a, b);
    assertThat(ConcurrencyLimit.fixed(3).freeSlots(both)).isEqualTo(1 + 2);
    b.report(new LoadReport(0, 1, 0.1, clock.nanoTime()));
    assertThat(ConcurrencyLimit.inferred(3, 10).freeSlots(both))
        .as("b reports an empty engine queue, so it may fill to the hard cap").isEqualTo(1 + 9);
  }
}
