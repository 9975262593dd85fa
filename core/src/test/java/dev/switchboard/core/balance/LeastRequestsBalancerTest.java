package dev.switchboard.core.balance;

import static dev.switchboard.core.balance.Fixture.dispatch;
import static dev.switchboard.core.balance.Fixture.pickOne;
import static dev.switchboard.core.balance.Fixture.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import org.junit.jupiter.api.Test;

class LeastRequestsBalancerTest {
  private final Fixture fixture = new Fixture();
  private final Balancer balancer = new LeastRequestsBalancer(Randomness.seeded(42));

  @Test
  void anEmptySetGivesNoReplica() {
    assertThat(balancer.pick(ReplicaSet.empty(), RequestInfo.UNKNOWN)).isSameAs(Pick.noReplica());
  }

  @Test
  void aSingleReplicaIsPickedHoweverLoaded() {
    Replica only = fixture.replica(0);
    dispatch(only, 50);

    assertThat(pickOne(balancer, set(only))).isSameAs(only);
  }

  @Test
  void picksTheReplicaWithFewestRequestsInFlight() {
    Replica[] r = fixture.replicas(4);
    dispatch(r[0], 3);
    dispatch(r[1], 1);
    dispatch(r[2], 2);
    dispatch(r[3], 4);

    assertThat(pickOne(balancer, set(r))).isSameAs(r[1]);
  }

  @Test
  void dividesTheInFlightCountByTheWeight() {
    Replica big = fixture.replica(0, 4.0);
    Replica small = fixture.replica(1, 1.0);
    dispatch(big, 3); // 0.75 per unit of weight
    dispatch(small, 1); // 1.0

    assertThat(pickOne(balancer, set(small, big))).isSameAs(big);
  }

  @Test
  void breaksTiesUniformlyAtRandom() {
    Replica[] r = fixture.replicas(4);
    dispatch(r[0], 2);
    dispatch(r[1], 2);
    dispatch(r[2], 2);
    dispatch(r[3], 3);

    int[] counts = Fixture.count(balancer, set(r), 30_000);

    assertThat(counts[3]).isZero();
    for (int i = 0; i < 3; i++) {
      // ±3 % is about six standard deviations of a fair three-way split.
      assertThat(counts[i] / 30_000.0).isCloseTo(1.0 / 3, within(0.03));
    }
  }
}
