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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class P2cLeastRequestsBalancerTest {
  private final Fixture fixture = new Fixture();
  private final Balancer balancer = new P2cLeastRequestsBalancer(Randomness.seeded(42));

  @Test
  void anEmptySetGivesNoReplica() {
    assertThat(balancer.pick(ReplicaSet.empty(), RequestInfo.UNKNOWN)).isSameAs(Pick.noReplica());
  }

  @Test
  void aSingleReplicaIsPickedHoweverLoaded() {
    Replica only = fixture.replica(0);
    dispatch(only, 9);

    assertThat(pickOne(balancer, set(only))).isSameAs(only);
  }

  @Test
  void ofTwoReplicasTheLessLoadedIsAlwaysChosenBecauseBothAreCompared() {
    Replica loaded = fixture.replica(0);
    Replica idle = fixture.replica(1);
    dispatch(loaded, 1);

    // Drawing the same replica twice would send some picks to the loaded one.
    assertThat(Fixture.count(balancer, set(loaded, idle), 10_000)).containsExactly(0, 10_000);
  }

  @Test
  void neverPicksTheWorstOfThreeAndTheBestWinsEveryComparisonItIsIn() {
    Replica[] r = fixture.replicas(3);
    dispatch(r[1], 1);
    dispatch(r[2], 2);

    int[] counts = Fixture.count(balancer, set(r), 30_000);

    assertThat(counts[2]).isZero();
    // The best is in two of the three equally likely pairs.
    assertThat(counts[0] / 30_000.0).isCloseTo(2.0 / 3, within(0.03));
  }

  @Test
  void dividesTheInFlightCountByTheWeight() {
    Replica big = fixture.replica(0, 4.0);
    Replica small = fixture.replica(1, 1.0);
    dispatch(big, 3);
    dispatch(small, 1);

    assertThat(Fixture.count(balancer, set(big, small), 1_000)).containsExactly(1_000, 0);
  }

  @Test
  void spreadsLoadEvenlyOverManyReplicas() {
    Replica[] r = fixture.replicas(16);
    ReplicaSet set = set(r);
    for (int i = 0; i < 1_600; i++) {
      pickOne(balancer, set).onDispatch();
    }

    int[] inFlight = Arrays.stream(r).mapToInt(Replica::inFlight).toArray();
    // Two choices keep the gap to O(log log n); one random choice would leave ~±30.
    assertThat(Arrays.stream(inFlight).max().getAsInt() - Arrays.stream(inFlight).min().getAsInt())
        .isLessThanOrEqualTo(4);
  }
}
