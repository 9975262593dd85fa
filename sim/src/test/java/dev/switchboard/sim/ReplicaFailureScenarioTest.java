package dev.switchboard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.ReplicaStateChanged;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.report.JsonReport;
import dev.switchboard.sim.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code scenarios/replica-failure.yaml}, as shipped: gpu-3 answers 500 from 150 s to 240 s. */
class ReplicaFailureScenarioTest {
  private static final long S = 1_000_000_000L;
  private static final Scenario SCENARIO =
      Scenario.load(Path.of("../scenarios/replica-failure.yaml"))
          .withPolicies(List.of("round-robin", "least-requests", "peak-ewma"));

  @Test
  void theFailingReplicaIsEjectedAgainAndAgainWithADoublingBackOffAndGetsNoTrafficWhileOut() {
    for (String policy : SCENARIO.policies()) {
      List<DecisionEvent> events = new ArrayList<>();
      Simulation.run(SCENARIO, policy, Simulation.ProgressFactory.NONE, events::add);
      List<ReplicaStateChanged> changes =
          events.stream()
              .filter(e -> e instanceof ReplicaStateChanged c && c.replica().equals("gpu-3"))
              .map(ReplicaStateChanged.class::cast)
              .toList();
      assertThat(events).filteredOn(e -> e instanceof ReplicaStateChanged c && !c.replica().equals("gpu-3")).isEmpty();
      assertThat(changes.get(0).atNanos()).as(policy).isGreaterThanOrEqualTo(150 * S);
      // Out, back, out for twice as long, ...
      List<Long> ejections = new ArrayList<>();
      for (int i = 0; i + 1 < changes.size(); i += 2) {
        assertThat(changes.get(i).to()).as(policy).isEqualTo(ReplicaState.EJECTED);
        assertThat(changes.get(i + 1).to()).as(policy).isEqualTo(ReplicaState.READY);
        long out = changes.get(i + 1).atNanos() - changes.get(i).atNanos();
        ejections.add(out / S);
        assertThat(tries(events, "gpu-3", changes.get(i).atNanos(), changes.get(i + 1).atNanos()))
            .as(policy + ": nothing goes to an ejected replica")
            .isZero();
      }
      assertThat(ejections).as(policy).startsWith(5L, 10L, 20L, 40L);
      assertThat(changes.get(changes.size() - 1).to()).as(policy + ": back for good").isEqualTo(ReplicaState.READY);

      double before = share(events, "gpu-3", 0, 150 * S);
      double during = share(events, "gpu-3", 150 * S, 240 * S);
      assertThat(before).as(policy).isCloseTo(0.25, within(0.05));
      assertThat(during).as(policy + ": its share while failing").isLessThan(0.03);
    }
  }

  @Test
  void everyFailedTryIsRetriedElsewhereWithinTheBudgetSoNoRequestFails() {
    for (String policy : SCENARIO.policies()) {
      List<DecisionEvent> events = new ArrayList<>();
      PolicyResult r = Simulation.run(SCENARIO, policy, Simulation.ProgressFactory.NONE, events::add);
      long retried = events.stream().filter(e -> e instanceof Retried t && t.failedReplica().equals("gpu-3")).count();
      assertThat(r.errors()).as(policy).isZero();
      assertThat(r.retries()).as(policy).isPositive().isEqualTo(retried);
      assertThat(r.ejections()).as(policy).isGreaterThanOrEqualTo(4);
      // The budget: 10 at the start, 20% of the requests, 10 a second.
      double budget = 10 + 0.2 * (r.completed() + r.rejected() + r.errors()) + 10 * r.durationSeconds();
      assertThat((double) r.retries()).as(policy).isLessThan(budget);
      assertThat(r.completed()).as(policy).isEqualTo(count(events, "Completed"));
    }
  }

  @Test
  void theSameSeedGivesTheSameResults() {
    String first = JsonReport.toJson(Simulation.runAll(SCENARIO, Simulation.ProgressFactory.NONE));
    String second = JsonReport.toJson(Simulation.runAll(SCENARIO, Simulation.ProgressFactory.NONE));
    assertThat(second).isEqualTo(first).contains("\"ejections\" : 5");
  }

  private static long tries(List<DecisionEvent> events, String replica, long from, long until) {
    return events.stream()
        .filter(e -> e instanceof Dispatched d && d.replica().equals(replica) && d.atNanos() > from && d.atNanos() < until)
        .count();
  }

  private static double share(List<DecisionEvent> events, String replica, long from, long until) {
    long all = 0;
    long mine = 0;
    for (DecisionEvent e : events) {
      if (e instanceof Dispatched d && d.atNanos() >= from && d.atNanos() < until) {
        all++;
        if (d.replica().equals(replica)) {
          mine++;
        }
      }
    }
    return (double) mine / all;
  }

  private static long count(List<DecisionEvent> events, String type) {
    return events.stream().filter(e -> e.getClass().getSimpleName().equals(type)).count();
  }
}
