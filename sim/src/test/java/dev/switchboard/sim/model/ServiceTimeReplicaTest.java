package dev.switchboard.sim.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceTimeReplicaTest {
  private static final long MS = 1_000_000;
  private final ModelHarness h = new ModelHarness();

  @Test
  void oneSlotServesInArrivalOrderAndTheSpeedFactorStretchesTheWork() {
    ReplicaModel m = new ServiceTimeSpec(1, 0, 0, 0).create(h.events, 2.0, h);
    SimRequest a = h.submit(m, h.request(10, 10, 100 * MS));
    SimRequest b = h.submit(m, h.request(10, 10, 50 * MS));
    assertThat(m.report().running()).isEqualTo(1);
    assertThat(m.report().waiting()).isEqualTo(1);
    h.events.run();
    assertThat(h.completed).containsExactly(a, b);
    assertThat(a.completedNanos()).isEqualTo(200 * MS);
    assertThat(b.serviceStartNanos()).isEqualTo(200 * MS);
    assertThat(b.completedNanos()).isEqualTo(300 * MS);
    assertThat(b.firstTokenNanos()).as("unstreamed: first byte is the whole response").isEqualTo(300 * MS);
    assertThat(m.busyNanos()).isEqualTo(300 * MS);
  }

  @Test
  void twoSlotsServeTwoRequestsAtOnce() {
    ReplicaModel m = new ServiceTimeSpec(2, 0, 0, 0).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(1, 1, 100 * MS));
    SimRequest b = h.submit(m, h.request(1, 1, 100 * MS));
    SimRequest c = h.submit(m, h.request(1, 1, 100 * MS));
    h.events.run();
    assertThat(a.completedNanos()).isEqualTo(100 * MS);
    assertThat(b.completedNanos()).isEqualTo(100 * MS);
    assertThat(c.serviceStartNanos()).isEqualTo(100 * MS);
    assertThat(c.completedNanos()).isEqualTo(200 * MS);
    assertThat(m.busyNanos()).as("normalised to one server").isEqualTo(150 * MS);
  }

  @Test
  void workComesFromTokensWhenTheWorkloadGivesNoServiceTime() {
    ReplicaModel m = new ServiceTimeSpec(1, 10, 0.5, 2).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(100, 20));
    h.events.run();
    assertThat(a.completedNanos()).isEqualTo((10 + 50 + 40) * MS);
  }

  @Test
  void thePredictionIsExactlyWhenTheRequestWouldFinish() {
    ReplicaModel m = new ServiceTimeSpec(2, 0, 0, 0).create(h.events, 1.5, h);
    h.submit(m, h.request(1, 1, 100 * MS));
    h.submit(m, h.request(1, 1, 300 * MS));
    h.submit(m, h.request(1, 1, 200 * MS));
    SimRequest probe = h.request(1, 1, 40 * MS);
    long predicted = m.predictCompletion(probe, Long.MAX_VALUE);
    h.submit(m, probe);
    h.events.run();
    assertThat(predicted).isEqualTo(probe.completedNanos());
  }

  @Test
  void aCrashedReplicaGivesUpEveryRequestServedFirstAndCountsOnlyTheWorkDoneAsBusy() {
    ReplicaModel m = new ServiceTimeSpec(1, 0, 0, 0).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(1, 1, 100 * MS));
    SimRequest b = h.submit(m, h.request(1, 1, 100 * MS));
    h.events.clock().setNanos(40 * MS);
    assertThat(m.abandonAll()).containsExactly(a, b);
    assertThat(m.outstanding()).isZero();
    assertThat(h.events.isEmpty()).as("no completion is left to fire").isTrue();
    assertThat(m.busyNanos()).isEqualTo(40 * MS);
    SimRequest c = h.submit(m, h.request(1, 1, 100 * MS));
    h.events.run();
    assertThat(h.completed).containsExactly(c);
    assertThat(c.completedNanos()).as("it starts afresh, with nothing ahead").isEqualTo(140 * MS);
  }

  @Test
  void aNewSpeedFactorTimesTheRequestsAcceptedFromThenOn() {
    ReplicaModel m = new ServiceTimeSpec(1, 0, 0, 0).create(h.events, 1.0, h);
    SimRequest before = h.submit(m, h.request(1, 1, 100 * MS));
    m.setSpeed(3.0);
    SimRequest after = h.submit(m, h.request(1, 1, 100 * MS));
    h.events.run();
    assertThat(before.completedNanos()).isEqualTo(100 * MS);
    assertThat(after.completedNanos()).isEqualTo(400 * MS);
  }
}
