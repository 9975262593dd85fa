package dev.switchboard.core.balance;

import static dev.switchboard.core.balance.Fixture.MS;
import static dev.switchboard.core.balance.Fixture.dispatch;
import static dev.switchboard.core.balance.Fixture.pickOne;
import static dev.switchboard.core.balance.Fixture.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeakEwmaBalancerTest {
  private final Fixture fixture = new Fixture();
  private final Balancer balancer = new PeakEwmaBalancer(Randomness.seeded(42));

  @Test
  void anEmptySetGivesNoReplica() {
    assertThat(balancer.pick(ReplicaSet.empty(), RequestInfo.UNKNOWN)).isSameAs(Pick.noReplica());
  }

  @Test
  void aSingleReplicaIsPickedHoweverSlow() {
    Replica only = fixture.replica(0);
    only.latency().observe(5_000 * MS);

    assertThat(pickOne(balancer, set(only))).isSameAs(only);
  }

  @Test
  void prefersTheLowerLatency() {
    Replica[] r = fixture.replicas(3);
    r[0].latency().observe(300 * MS);
    r[1].latency().observe(100 * MS);
    r[2].latency().observe(200 * MS);

    assertThat(Fixture.count(balancer, set(r), 100)).containsExactly(0, 100, 0);
  }

  @Test
  void multipliesTheLatencyByTheRequestsInFlightPlusOne() {
    Replica fastButBusy = fixture.replica(0);
    Replica slowButIdle = fixture.replica(1);
    fastButBusy.latency().observe(100 * MS);
    slowButIdle.latency().observe(300 * MS);
    dispatch(fastButBusy, 3); // 400 ms against 300 ms

    assertThat(pickOne(balancer, set(fastButBusy, slowButIdle))).isSameAs(slowButIdle);
  }

  @Test
  void avoidsAReplicaWhoseLatencyJustPeakedAndReturnsToItAfterTheDecay() {
    Replica a = fixture.replica(0);
    Replica b = fixture.replica(1);
    fixture.serve(a, 100 * MS);
    fixture.serve(b, 100 * MS);
    fixture.serve(a, 1_000 * MS);
    ReplicaSet set = set(a, b);

    assertThat(pickOne(balancer, set)).isSameAs(b);

    // One decay time on, with b still answering in 100 ms: a is at 1 s · e^-1 ≈ 368 ms.
    fixture.clock.advance(Fixture.TAU);
    fixture.serve(b, 100 * MS);
    assertThat(pickOne(balancer, set)).isSameAs(b);

    // Three decay times on: a is at ≈ 50 ms, below b's 100 ms, and gets traffic again.
    fixture.clock.advance(Fixture.TAU.multipliedBy(2));
    fixture.serve(b, 100 * MS);
    assertThat(pickOne(balancer, set)).isSameAs(a);
  }

  @Test
  void aReplicaWithoutASampleButWithRequestsInFlightIsNotFlooded() {
    Replica unknownBusy = fixture.replica(0);
    Replica knownSlow = fixture.replica(1);
    dispatch(unknownBusy, 1);
    knownSlow.latency().observe(10_000 * MS);

    assertThat(pickOne(balancer, set(unknownBusy, knownSlow))).isSameAs(knownSlow);
  }

  @Test
  void anIdleReplicaWithoutASampleIsTriedFirst() {
    Replica fresh = fixture.replica(0);
    Replica known = fixture.replica(1);
    known.latency().observe(1 * MS);

    assertThat(pickOne(balancer, set(known, fresh))).isSameAs(fresh);
  }

  @Test
  void breaksTiesUniformlyAtRandom() {
    Replica[] r = fixture.replicas(3);

    int[] counts = Fixture.count(balancer, set(r), 30_000);

    for (int count : counts) {
      assertThat(count / 30_000.0).isCloseTo(1.0 / 3, within(0.03));
    }
  }

  @Test
  void pickingDoesNotChangeTheRequestsInFlight() {
    Replica[] r = fixture.replicas(2);
    fixture.clock.advance(Duration.ofSeconds(1));
    Fixture.count(balancer, set(r), 10);

    assertThat(r[0].inFlight() + r[1].inFlight()).isZero();
  }
}
