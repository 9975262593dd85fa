package dev.switchboard.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.ReplicaJoined;
import dev.switchboard.core.event.ReplicaLeft;
import dev.switchboard.core.event.ReplicaStateChanged;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaGroupTest {
  private final ManualClock clock = new ManualClock(1_000);
  private final Decisions decisions = new Decisions();
  private final List<DecisionEvent> events = new ArrayList<>();
  private final ReplicaGroup<String> group = new ReplicaGroup<>("pool-a", clock, decisions);
  private final Replica a = new Replica("a", clock);
  private final Replica b = new Replica("b", clock);

  ReplicaGroupTest() {
    decisions.subscribe(events::add);
  }

  @Test
  void addedReplicasAreRoutableInTheOrderTheyJoinedWithTheirEndpoints() {
    group.add(a, "10.0.0.1:8000");
    group.add(b, "10.0.0.2:8000");

    assertThat(group.routable().asList()).containsExactly(a, b);
    assertThat(group.endpoint(b)).isEqualTo("10.0.0.2:8000");
    assertThat(group.find("a")).isSameAs(a);
    assertThat(group.find("zz")).isNull();
    assertThat(events).containsExactly(
        new ReplicaJoined(1_000, "pool-a", "a", ReplicaState.READY),
        new ReplicaJoined(1_000, "pool-a", "b", ReplicaState.READY));
  }

  @Test
  void twoMembersNeverShareAnId() {
    group.add(a, "x");

    assertThatThrownBy(() -> group.add(new Replica("a", clock), "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pool-a already has a replica a");
  }

  @Test
  void aStartingReplicaIsAMemberButNotRoutableUntilReady() {
    Replica starting = new Replica("s", clock);
    starting.setState(ReplicaState.STARTING);
    group.add(starting, "x");

    assertThat(group.members()).containsExactly(starting);
    assertThat(group.routable().isEmpty()).isTrue();

    clock.advanceNanos(5);
    assertThat(group.setState(starting, ReplicaState.READY, "probe passed")).isTrue();

    assertThat(group.routable().asList()).containsExactly(starting);
    assertThat(events).last().isEqualTo(
        new ReplicaStateChanged(1_005, "pool-a", "s", ReplicaState.STARTING, ReplicaState.READY, "probe passed"));
  }

  @Test
  void everyChangeReplacesTheRoutableSnapshotAndLeavesOldOnesAlone() {
    group.add(a, "x");
    group.add(b, "y");
    ReplicaSet before = group.routable();

    group.setState(a, ReplicaState.EJECTED, "ejected");

    assertThat(before.asList()).containsExactly(a, b);
    assertThat(group.routable().asList()).containsExactly(b);
  }

  @Test
  void settingTheStateItAlreadyHasChangesNothingAndTellsNobody() {
    group.add(a, "x");
    ReplicaSet before = group.routable();
    events.clear();

    assertThat(group.setState(a, ReplicaState.READY, "again")).isFalse();

    assertThat(group.routable()).isSameAs(before);
    assertThat(events).isEmpty();
  }

  @Test
  void aDrainingReplicaTakesNothingNewAndIsListedOnceItsRequestsFinish() {
    group.add(a, "x");
    group.add(b, "y");
    long stamp = a.onDispatch();

    group.drain(a, "scale down");

    assertThat(group.routable().asList()).containsExactly(b);
    assertThat(group.drained()).isEmpty();
    a.onComplete(stamp, true);
    assertThat(group.drained()).containsExactly(a);
  }

  @Test
  void aRemovedReplicaIsGoneAtOnceAndItsListenersAreTold() {
    List<String> told = new ArrayList<>();
    group.subscribe(
        new ReplicaGroup.Listener<>() {
          @Override
          public void joined(Replica replica, String endpoint) {
            told.add("joined " + replica.id() + " " + endpoint);
          }

          @Override
          public void left(Replica replica, String endpoint) {
            told.add("left " + replica.id() + " " + endpoint);
          }
        });
    group.add(a, "x");

    assertThat(group.remove(a, "scaled down")).isTrue();

    assertThat(group.members()).isEmpty();
    assertThat(group.routable().isEmpty()).isTrue();
    assertThat(group.endpoint(a)).isNull();
    assertThat(group.remove(a, "again")).isFalse();
    assertThat(told).containsExactly("joined a x", "left a x");
    assertThat(events).last().isEqualTo(new ReplicaLeft(1_000, "pool-a", "a", "scaled down"));
  }

  @Test
  void theStateOfAReplicaThatLeftIsNotChangedAnyMore() {
    group.add(a, "x");
    group.remove(a, "gone");

    assertThat(group.setState(a, ReplicaState.DOWN, "probe failed")).isFalse();
    assertThat(a.state()).isEqualTo(ReplicaState.READY);
  }

  @Test
  void withNoListenerNoEventIsBuilt() {
    Decisions nobody = new Decisions();
    ReplicaGroup<String> quiet = new ReplicaGroup<>("p", clock, nobody);

    quiet.add(a, "x");

    assertThat(nobody.active()).isFalse();
  }
}
