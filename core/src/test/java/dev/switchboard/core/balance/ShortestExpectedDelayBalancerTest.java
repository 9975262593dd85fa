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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShortestExpectedDelayBalancerTest {
  private final Fixture fixture = new Fixture();
  private final Balancer balancer = new ShortestExpectedDelayBalancer(Randomness.seeded(42));
  private Replica fast;
  private Replica slow;

  @BeforeEach
  void learnTenAndFivePerSecond() {
    fast = fixture.replica(0);
    slow = fixture.replica(1);
    for (int i = 0; i < 5; i++) {
      fixture.serve(fast, 100 * MS);
      fixture.serve(slow, 200 * MS);
    }
    assertThat(fast.serviceRatePerSecond()).isCloseTo(10.0, within(1e-9));
    assertThat(slow.serviceRatePerSecond()).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void anEmptySetGivesNoReplica() {
    assertThat(balancer.pick(ReplicaSet.empty(), RequestInfo.UNKNOWN)).isSameAs(Pick.noReplica());
  }

  @Test
  void aSingleReplicaIsPickedHoweverSlow() {
    dispatch(slow, 20);

    assertThat(pickOne(balancer, set(slow))).isSameAs(slow);
  }

  @Test
  void withEqualQueuesTheFasterWins() {
    assertThat(pickOne(balancer, set(slow, fast))).isSameAs(fast);

    dispatch(fast, 3);
    dispatch(slow, 3);
    assertThat(pickOne(balancer, set(slow, fast))).isSameAs(fast);
  }

  @Test
  void theFasterWinsWithUpToTwiceTheQueue() {
    dispatch(fast, 2); // 3 / 10 s = 0.3 s
    dispatch(slow, 1); // 2 / 5 s = 0.4 s

    assertThat(pickOne(balancer, set(slow, fast))).isSameAs(fast);
  }

  @Test
  void theSlowerWinsWhenTheFasterHasMoreThanTwiceTheQueue() {
    dispatch(fast, 5); // 6 / 10 s = 0.6 s
    dispatch(slow, 1); // 2 / 5 s = 0.4 s

    assertThat(pickOne(balancer, set(slow, fast))).isSameAs(slow);
  }

  @Test
  void aReplicaWithNoCompletionYetIsAssumedAsFastAsTheFastestAndTried() {
    Replica fresh = fixture.replica(2);
    dispatch(fast, 1);

    assertThat(pickOne(balancer, set(slow, fast, fresh))).isSameAs(fresh);
  }

  @Test
  void anUnknownReplicaWithAsMuchQueueAsTheFastestTiesWithIt() {
    Replica fresh = fixture.replica(2);

    int[] counts = Fixture.count(balancer, set(slow, fast, fresh), 10_000);

    assertThat(counts[0] / 10_000.0).isCloseTo(0.5, within(0.03));
    assertThat(counts[2] / 10_000.0).isCloseTo(0.5, within(0.03));
  }

  @Test
  void withNoRateKnownTheFewestInFlightWins() {
    Replica[] fresh = {fixture.replica(2), fixture.replica(3), fixture.replica(4)};
    dispatch(fresh[0], 2);
    dispatch(fresh[2], 1);

    assertThat(pickOne(balancer, set(fresh))).isSameAs(fresh[1]);
  }
}
