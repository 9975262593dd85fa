package dev.switchboard.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSetTest {
  private final ManualClock clock = new ManualClock(0);
  private final Replica a = new Replica("a", clock);
  private final Replica b = new Replica("b", clock);
  private final Replica c = new Replica("c", clock);

  @Test
  void eachPositionHasOnePickThatRoutesToItsReplica() {
    ReplicaSet set = ReplicaSet.of(a, b);

    assertThat(set.pick(0)).isSameAs(set.pick(0));
    assertThat(set.pick(0).replica()).isSameAs(a);
    assertThat(set.pick(1).replica()).isSameAs(b);
  }

  @Test
  void withoutLeavesOutTheTriedReplicasInOrderAndKeepsTheSetWhenNoneIsIn() {
    ReplicaSet set = ReplicaSet.of(a, b, c);

    assertThat(set.without(List.of(b)).asList()).containsExactly(a, c);
    assertThat(set.without(List.of(new Replica("x", clock)))).isSameAs(set);
    assertThat(set.without(List.of(a, b, c)).isEmpty()).isTrue();
  }

  @Test
  void onlyReadyReplicasAreRoutable() {
    Replica starting = new Replica("s", clock);
    starting.setState(ReplicaState.STARTING);

    ReplicaSet set = ReplicaSet.routable(List.of(starting, a));

    assertThat(set.asList()).containsExactly(a);
  }

  @Test
  void noReplicaHasNoReplicaToGive() {
    assertThat(Pick.noReplica().hasReplica()).isFalse();
    assertThat(Pick.noReplica()).isSameAs(Pick.noReplica());
    assertThatThrownBy(() -> Pick.noReplica("all draining").replica())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("all draining");
  }
}
