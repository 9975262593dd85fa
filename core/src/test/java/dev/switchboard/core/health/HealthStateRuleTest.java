package dev.switchboard.core.health;

import static dev.switchboard.core.replica.ReplicaState.DOWN;
import static dev.switchboard.core.replica.ReplicaState.DRAINING;
import static dev.switchboard.core.replica.ReplicaState.EJECTED;
import static dev.switchboard.core.replica.ReplicaState.READY;
import static dev.switchboard.core.replica.ReplicaState.STARTING;
import static dev.switchboard.core.health.HealthStateRule.Probe.FAILED;
import static dev.switchboard.core.health.HealthStateRule.Probe.NONE_YET;
import static dev.switchboard.core.health.HealthStateRule.Probe.PASSED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.core.health.HealthStateRule.Probe;
import org.junit.jupiter.api.Test;

class HealthStateRuleTest {

  @Test
  void aFailedProbeTakesAReadyReplicaDownAndAPassedOneBringsItBack() {
    assertThat(HealthStateRule.next(READY, false, FAILED)).isEqualTo(DOWN);
    assertThat(HealthStateRule.next(DOWN, false, PASSED)).isEqualTo(READY);
  }

  @Test
  void anEjectedReplicaStaysEjectedWhateverItsProbesSay() {
    for (Probe probe : Probe.values()) {
      assertThat(HealthStateRule.next(EJECTED, true, probe)).as("%s", probe).isEqualTo(EJECTED);
    }
  }

  @Test
  void ejectionTakesAReplicaOutOfReadyOrDown() {
    assertThat(HealthStateRule.next(READY, true, PASSED)).isEqualTo(EJECTED);
    assertThat(HealthStateRule.next(DOWN, true, FAILED)).isEqualTo(EJECTED);
  }

  @Test
  void aReadmittedReplicaFollowsItsLatestProbe() {
    assertThat(HealthStateRule.next(EJECTED, false, PASSED)).isEqualTo(READY);
    assertThat(HealthStateRule.next(EJECTED, false, FAILED)).isEqualTo(DOWN);
    assertThat(HealthStateRule.next(EJECTED, false, NONE_YET)).isEqualTo(READY);
  }

  @Test
  void aStartingReplicaWaitsForItsFirstPassedProbe() {
    assertThat(HealthStateRule.next(STARTING, false, FAILED)).isEqualTo(STARTING);
    assertThat(HealthStateRule.next(STARTING, false, NONE_YET)).isEqualTo(STARTING);
    assertThat(HealthStateRule.next(STARTING, false, PASSED)).isEqualTo(READY);
  }

  @Test
  void healthNeverTouchesADrainingReplica() {
    for (Probe probe : Probe.values()) {
      for (boolean ejected : new boolean[] {false, true}) {
        ReplicaState next = HealthStateRule.next(DRAINING, ejected, probe);
        assertThat(next).as("%s, ejected=%s", probe, ejected).isEqualTo(DRAINING);
      }
    }
  }
}
