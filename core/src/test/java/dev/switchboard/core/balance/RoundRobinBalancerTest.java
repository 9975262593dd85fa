package dev.switchboard.core.balance;

import static dev.switchboard.core.balance.Fixture.pickOne;
import static dev.switchboard.core.balance.Fixture.set;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {
  private final Fixture fixture = new Fixture();

  private static List<String> ids(Balancer balancer, ReplicaSet set, int picks) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < picks; i++) {
      ids.add(pickOne(balancer, set).id());
    }
    return ids;
  }

  @Test
  void anEmptySetGivesNoReplica() {
    assertThat(new RoundRobinBalancer(0).pick(ReplicaSet.empty(), RequestInfo.UNKNOWN))
        .isSameAs(Pick.noReplica());
  }

  @Test
  void aSingleReplicaIsAlwaysPicked() {
    Replica only = fixture.replica(0);
    Balancer balancer = new RoundRobinBalancer(7);

    assertThat(ids(balancer, set(only), 5)).containsOnly("r0");
  }

  @Test
  void visitsEachReplicaInTurnAndWraps() {
    ReplicaSet set = set(fixture.replicas(3));

    assertThat(ids(new RoundRobinBalancer(0), set, 7))
        .containsExactly("r0", "r1", "r2", "r0", "r1", "r2", "r0");
  }

  @Test
  void theRotationBeginsAtTheGivenStart() {
    ReplicaSet set = set(fixture.replicas(3));

    assertThat(ids(new RoundRobinBalancer(5), set, 4)).containsExactly("r2", "r0", "r1", "r2");
  }

  @Test
  void ignoresLoad() {
    Replica[] replicas = fixture.replicas(2);
    Fixture.dispatch(replicas[0], 100);

    assertThat(ids(new RoundRobinBalancer(0), set(replicas), 4))
        .containsExactly("r0", "r1", "r0", "r1");
  }

  @Test
  void aNegativeStartBeginsAtTheFirstReplica() {
    ReplicaSet set = set(fixture.replicas(3));

    assertThat(ids(new RoundRobinBalancer(-4), set, 2)).containsExactly("r0", "r1");
  }
}
