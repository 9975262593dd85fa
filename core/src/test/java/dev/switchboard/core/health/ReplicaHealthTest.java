package dev.switchboard.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicaHealthTest {
  private static final Duration BASE = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock(0);
  private final ReplicaGroup<String> group = new ReplicaGroup<>("p", clock, new Decisions());
  private final Replica a = new Replica("a", clock);
  private final Replica b = new Replica("b", clock);
  private final ReplicaHealth health;

  ReplicaHealthTest() {
    group.add(a, "x");
    group.add(b, "y");
    health = new ReplicaHealth(group, new OutlierPolicy(3, BASE, Duration.ofSeconds(40), 50), clock);
  }

  @Test
  void consecutiveFailuresEjectTheReplicaFromTheRoutableSet() {
    health.onFailure(a);
    health.onFailure(a);
    assertThat(a.state()).isEqualTo(ReplicaState.READY);

    assertThat(health.onFailure(a).ejected()).isTrue();

    assertThat(a.state()).isEqualTo(ReplicaState.EJECTED);
    assertThat(group.routable().asList()).containsExactly(b);
  }

  @Test
  void anEjectedReplicaComesBackWhenItsTimeIsUpAndNotBefore() {
    ejectA();

    clock.advance(BASE.minusNanos(1));
    assertThat(health.readmitDue()).isEmpty();
    clock.advanceNanos(1);
    assertThat(health.readmitDue()).containsExactly(a);

    assertThat(a.state()).isEqualTo(ReplicaState.READY);
    assertThat(group.routable().asList()).containsExactly(a, b);
  }

  @Test
  void passingProbesDoNotBringAnEjectedReplicaBack() {
    ejectA();

    health.onProbe(a, true, "probe passed");

    assertThat(a.state()).isEqualTo(ReplicaState.EJECTED);
  }

  @Test
  void aReplicaReadmittedWhileItsProbesFailIsDown() {
    ejectA();
    health.onProbe(a, false, "probe failed: connection refused");
    clock.advance(BASE);

    health.readmitDue();

    assertThat(a.state()).isEqualTo(ReplicaState.DOWN);
  }

  @Test
  void aFailedProbeTakesAReplicaDownAndAPassedOneBringsItBack() {
    health.onProbe(b, false, "probe answered HTTP 503");
    assertThat(b.state()).isEqualTo(ReplicaState.DOWN);

    health.onProbe(b, true, "probe passed");
    assertThat(b.state()).isEqualTo(ReplicaState.READY);
  }

  @Test
  void healthNeverUndoesADrain() {
    group.drain(a, "scale down");

    health.onProbe(a, true, "probe passed");
    for (int i = 0; i < 3; i++) {
      health.onFailure(a);
    }

    assertThat(a.state()).isEqualTo(ReplicaState.DRAINING);
  }

  @Test
  void aReplicaThatJoinsLaterIsWatchedToo() {
    Replica c = new Replica("c", clock);
    group.add(c, "z");
    group.add(new Replica("d", clock), "w");

    for (int i = 0; i < 3; i++) {
      health.onFailure(c);
    }

    assertThat(c.state()).isEqualTo(ReplicaState.EJECTED);
  }

  @Test
  void outcomesOfAReplicaThatLeftChangeNothing() {
    group.remove(a, "gone");

    for (int i = 0; i < 3; i++) {
      health.onFailure(a);
    }
    health.onProbe(a, false, "probe failed");

    assertThat(a.state()).isEqualTo(ReplicaState.READY);
    assertThat(health.ejectedCount()).isZero();
  }

  private void ejectA() {
    for (int i = 0; i < 3; i++) {
      health.onFailure(a);
    }
    assertThat(a.state()).isEqualTo(ReplicaState.EJECTED);
  }
}
