package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.Node;
import dev.switchboard.sim.workload.Arrival;
import dev.switchboard.sim.workload.Workload;
import dev.switchboard.sim.workload.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
  private static Workload poisson(long requests) throws Exception {
    String yaml =
        "{type: poisson, rate_per_s: 1000, requests: " + requests + ", prompt_tokens: 1,"
            + " output_tokens: 1}";
    return WorkloadSpec.parse(new Node(new ObjectMapper(new YAMLFactory()).readTree(yaml), "workload"))
        .create(7, Double.NaN);
  }

  private static List<Arrival> all(Workload w) {
    List<Arrival> out = new ArrayList<>();
    for (Arrival a = w.next(); a != null; a = w.next()) {
      out.add(a);
    }
    return out;
  }

  @Test
  void handsOutEveryArrivalOnceInOrderAndOnlyWhenDue() throws Exception {
    List<Arrival> expected = all(poisson(500));
    ArrivalSchedule schedule = new ArrivalSchedule(poisson(500));
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
    ArrivalSchedule schedule = new ArrivalSchedule(poisson(50));
    assertThat(schedule.due(-1)).isEmpty();
    List<Arrival> burst = schedule.due(Long.MAX_VALUE);
    assertThat(burst).hasSize(50);
    assertThat(schedule.exhausted()).isTrue();
    assertThat(schedule.nextAtNanos()).isEqualTo(-1);
    assertThat(schedule.due(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void knowsItIsExhaustedInTheTickThatHandsOutTheLastArrival() throws Exception {
    List<Arrival> expected = all(poisson(3));
    ArrivalSchedule schedule = new ArrivalSchedule(poisson(3));
    schedule.due(expected.get(1).atNanos());
    assertThat(schedule.exhausted()).isFalse();
    assertThat(schedule.due(expected.get(2).atNanos())).hasSize(1);
    assertThat(schedule.exhausted()).isTrue();
  }
}
