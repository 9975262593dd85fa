package dev.switchboard.loadgen;

import static dev.switchboard.loadgen.TestWorkloads.all;
import static dev.switchboard.loadgen.TestWorkloads.poisson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.sim.workload.Arrival;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
  @Test
  void handsOutEveryArrivalOnceInOrderAndOnlyWhenDue() throws Exception {
    List<Arrival> expected = all(poisson(500, 7));
    ArrivalSchedule schedule = new ArrivalSchedule(poisson(500, 7));
    List<Arrival> got = new ArrayList<>();
    long tick = 0;
    while (!schedule.exhausted()) {
      tick += 1_000_000; // 1 ms ticks
      long next = schedule.nextAtNanos();
      List<Arrival> due = schedule.due(tick);
      if (!due.isEmpty()) {
        assertThat(due.get(0).atNanos()).as("the next arrival announced").isEqualTo(next);
      }
      for (Arrival a : due) {
        assertThat(a.atNanos()).isLessThanOrEqualTo(tick);
        assertThat(a.atNanos()).isGreaterThan(tick - 1_000_000);
        got.add(a);
      }
    }
    assertThat(got).isEqualTo(expected);
    assertThat(schedule.taken()).isEqualTo(500);
    assertThat(schedule.lastAtNanos()).isEqualTo(expected.get(499).atNanos());
  }

  @Test
  void aLateTickFiresEverythingThatCameDueMeanwhile() throws Exception {
    ArrivalSchedule schedule = new ArrivalSchedule(poisson(50, 7));
    assertThat(schedule.due(-1)).isEmpty();
    List<Arrival> burst = schedule.due(Long.MAX_VALUE);
    assertThat(burst).hasSize(50);
    assertThat(schedule.exhausted()).isTrue();
    assertThat(schedule.nextAtNanos()).isEqualTo(-1);
    assertThat(schedule.due(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void knowsItIsExhaustedInTheTickThatHandsOutTheLastArrival() throws Exception {
    List<Arrival> expected = all(poisson(3, 7));
    ArrivalSchedule schedule = new ArrivalSchedule(poisson(3, 7));
    schedule.due(expected.get(1).atNanos());
    assertThat(schedule.exhausted()).isFalse();
    assertThat(schedule.due(expected.get(2).atNanos())).hasSize(1);
    assertThat(schedule.exhausted()).isTrue();
  }
}
