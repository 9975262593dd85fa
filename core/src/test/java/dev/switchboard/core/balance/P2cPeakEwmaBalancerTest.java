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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class P2cPeakEwmaBalancerTest {
  private final Fixture fixture = new Fixture();
  private final Balancer balancer = new P2cPeakEwmaBalancer(Randomness.seeded(42));

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
  void ofTwoReplicasTheCheaperIsAlwaysChosenBecauseBothAreCompared() {
    Replica loaded = fixture.replica(0);
    Replica other = fixture.replica(1);
    loaded.latency().observe(100 * MS);
    other.latency().observe(100 * MS);
    dispatch(loaded, 1);

    assertThat(Fixture.count(balancer, set(loaded, other), 10_000)).containsExactly(0, 10_000);
  }

  @Test
  void neverPicksTheWorstOfThreeAndTheBestWinsEveryComparisonItIsIn() {
    Replica[] r = fixture.replicas(3);
    r[0].latency().observe(100 * MS);
    r[1].latency().observe(200 * MS);
    r[2].latency().observe(300 * MS);

    int[] counts = Fixture.count(balancer, set(r), 30_000);

    assertThat(counts[2]).isZero();
    assertThat(counts[0] / 30_000.0).isCloseTo(2.0 / 3, within(0.03));
  }

  @Test
  void avoidsAReplicaWhoseLatencyJustPeaked() {
    Replica a = fixture.replica(0);
    Replica b = fixture.replica(1);
    fixture.serve(a, 100 * MS);
    fixture.serve(b, 100 * MS);
    fixture.serve(a, 1_000 * MS);

    assertThat(Fixture.count(balancer, set(a, b), 1_000)).containsExactly(0, 1_000);
  }

  @Test
  void spreadsLoadEvenlyOverManyReplicas() {
    Replica[] r = fixture.replicas(16);
    for (Replica replica : r) {
      replica.latency().observe(100 * MS);
    }
    ReplicaSet set = set(r);
    for (int i = 0; i < 1_600; i++) {
      pickOne(balancer, set).onDispatch();
    }

    int[] inFlight = Arrays.stream(r).mapToInt(Replica::inFlight).toArray();
    assertThat(Arrays.stream(inFlight).max().getAsInt() - Arrays.stream(inFlight).min().getAsInt())
        .isLessThanOrEqualTo(4);
  }
}
