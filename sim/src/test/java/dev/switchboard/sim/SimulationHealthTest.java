package dev.switchboard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.DecisionEvent;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.Failed;
import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.event.ReplicaStateChanged;
import dev.switchboard.core.event.RequestEvent;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.StateChange;
import dev.switchboard.sim.scenario.Scenario;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's health and retry code, run on simulated replicas that fail. */
class SimulationHealthTest {
  private static final long S = 1_000_000_000L;

  /** Three one-slot replicas, the third with {@code bad}'s fields; light load, short requests. */
  private static Scenario pool(String bad, String more) throws Exception {
    return SimulationTest.scenario(
        """
        name: faults
        seed: 3
        replicas:
          - {id: a}
          - {id: b}
          - {id: bad, %s}
        model: {type: service-time, slots: 1}
        workload:
          type: poisson
          rate_per_s: 3
          duration_s: 40
          prompt_tokens: 10
          output_tokens: 10
          service_time_ms: 50
        policies: [round-robin]
        """
            .formatted(bad)
            + more);
  }

  private static Run run(Scenario s, String policy) {
    List<DecisionEvent> events = new ArrayList<>();
    PolicyResult result = Simulation.run(s, policy, Simulation.ProgressFactory.NONE, events::add);
    return new Run(result, events);
  }

  private record Run(PolicyResult result, List<DecisionEvent> events) {
    <T extends DecisionEvent> List<T> all(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<ReplicaStateChanged> statesOf(String replica) {
      return all(ReplicaStateChanged.class).stream().filter(c -> c.replica().equals(replica)).toList();
    }

    /** Tries that failed on {@code replica}: retried elsewhere, or the request's last. */
    List<DecisionEvent> failuresOn(String replica) {
      return events.stream()
          .filter(
              e ->
                  (e instanceof Retried r && r.failedReplica().equals(replica))
                      || (e instanceof Failed f && replica.equals(f.replica())))
          .toList();
    }

    long dispatchedTo(String replica, long fromNanos, long untilNanos) {
      return all(Dispatched.class).stream()
          .filter(d -> d.replica().equals(replica) && d.atNanos() > fromNanos && d.atNanos() < untilNanos)
          .count();
    }

    /** Each request's tries, by the request's own identity. */
    Map<RequestInfo, List<String>> triesByRequest() {
      Map<RequestInfo, List<String>> out = new IdentityHashMap<>();
      for (Dispatched d : all(Dispatched.class)) {
        out.computeIfAbsent(d.request(), k -> new ArrayList<>()).add(d.replica());
      }
      return out;
    }
  }

  @Test
  void aReplicaThatFailsEveryRequestIsEjectedAfterExactlyConsecutiveFailuresAndItsTrafficGoesElsewhere()
      throws Exception {
    Run run =
        run(
            pool(
                "faults: {error_rate: 1.0, from_s: 10}",
                "health: {consecutive_failures: 3, base_ejection_ms: 5000, max_ejection_ms: 5000}\n"),
            "round-robin");
    ReplicaStateChanged ejected = run.statesOf("bad").get(0);
    assertThat(ejected.to()).isEqualTo(ReplicaState.EJECTED);
    assertThat(ejected.reason()).isEqualTo("ejected for 5000 ms after 3 consecutive failures");
    assertThat(run.failuresOn("bad")).allMatch(e -> e.atNanos() >= 10 * S);
    assertThat(run.failuresOn("bad").stream().filter(e -> e.atNanos() <= ejected.atNanos()))
        .as("the third failure ejects it")
        .hasSize(3);
    assertThat(run.dispatchedTo("bad", ejected.atNanos(), ejected.atNanos() + 5 * S))
        .as("nothing goes to it while it is out")
        .isZero();
    assertThat(run.dispatchedTo("a", ejected.atNanos(), ejected.atNanos() + 5 * S)).isPositive();
    ReplicaStateChanged back = run.statesOf("bad").get(1);
    assertThat(back.to()).isEqualTo(ReplicaState.READY);
    assertThat(back.atNanos() - ejected.atNanos()).isEqualTo(5 * S);
    PolicyResult r = run.result();
    assertThat(r.errors()).as("every failed try was retried on another replica").isZero();
    assertThat(r.retries()).isEqualTo(run.failuresOn("bad").size());
    assertThat(r.ejections()).isEqualTo(run.statesOf("bad").stream().filter(c -> c.to() == ReplicaState.EJECTED).count());
    assertThat(r.stateChanges().get("bad"))
        .extracting(StateChange::to)
        .startsWith(ReplicaState.EJECTED, ReplicaState.READY, ReplicaState.EJECTED);
  }

  @Test
  void withTheRetryBudgetAtZeroNoTryIsRetriedAndEachFailedTryFailsItsRequest() throws Exception {
    Run run =
        run(
            pool("faults: {error_rate: 0.5, from_s: 10}", "retries: {budget_percent: 0, budget_min_per_s: 0}\n"),
            "round-robin");
    PolicyResult r = run.result();
    assertThat(run.all(Retried.class)).isEmpty();
    assertThat(r.retries()).isZero();
    assertThat(r.errors()).isPositive().isEqualTo(run.failuresOn("bad").size());
    assertThat(run.all(Failed.class)).allMatch(f -> f.cause() == FailureCause.SERVER_ERROR && f.attempts() == 1);
    assertThat(r.completed() + r.errors()).isEqualTo(run.triesByRequest().size());
  }

  @Test
  void withOneAttemptAllowedAFailedTryFailsItsRequest() throws Exception {
    Run run = run(pool("faults: {error_rate: 0.5, from_s: 10}", "retries: {max_attempts: 1}\n"), "round-robin");
    assertThat(run.all(Retried.class)).isEmpty();
    assertThat(run.result().errors()).isPositive().isEqualTo(run.failuresOn("bad").size());
  }

  @Test
  void aRetryGoesToAReplicaNotYetTried() throws Exception {
    Scenario s =
        SimulationTest.scenario(
            """
            name: two-bad
            seed: 5
            replicas:
              - {id: good}
              - {id: bad-1, faults: {error_rate: 1.0}}
              - {id: bad-2, faults: {error_rate: 1.0}}
            model: {type: service-time, slots: 4}
            workload: {type: poisson, rate_per_s: 5, duration_s: 20, prompt_tokens: 1, output_tokens: 1, service_time_ms: 20}
            health: {consecutive_failures: 1000}
            retries: {max_attempts: 3, budget_percent: 100, budget_min_per_s: 100}
            """);
    for (String policy : List.of("round-robin", "least-requests", "p2c-peak-ewma")) {
      Run run = run(s, policy);
      for (List<String> tries : run.triesByRequest().values()) {
        assertThat(tries).as(policy).doesNotHaveDuplicates();
        assertThat(tries.get(tries.size() - 1)).as(policy).isEqualTo("good");
      }
      assertThat(run.result().errors()).as(policy).isZero();
      assertThat(run.all(Completed.class)).as(policy).allMatch(c -> c.attempts() == run.triesByRequest().get(c.request()).size());
    }
  }

  @Test
  void aCrashedReplicaGoesDownAtTheFirstFailedProbeAndIsReadyAgainAtTheFirstProbeAfterRecovery()
      throws Exception {
    Run run =
        run(
            pool("crash_at_s: 10.2, recover_at_s: 20.2", "health: {consecutive_failures: 1000, probe_interval_ms: 500}\n"),
            "round-robin");
    assertThat(run.statesOf("bad"))
        .extracting(c -> c.atNanos() / 1e9, ReplicaStateChanged::to)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(10.5, ReplicaState.DOWN),
            org.assertj.core.groups.Tuple.tuple(20.5, ReplicaState.READY));
    assertThat(run.statesOf("bad").get(0).reason()).isEqualTo("probe failed: connection refused");
    assertThat(run.dispatchedTo("bad", (long) (10.5 * S), (long) (20.5 * S))).isZero();
    assertThat(run.failuresOn("bad"))
        .as("between the crash and the probe, tries fail to connect, and are retried")
        .allMatch(e -> e instanceof Retried r && r.cause() == FailureCause.CONNECTION
            && e.atNanos() >= 10.2 * S && e.atNanos() <= 10.5 * S);
    assertThat(run.result().errors()).isZero();
  }

  @Test
  void aStreamCutByACrashAfterItsFirstTokenFailsMidAnswerWhileOneNotYetStartedIsRetried()
      throws Exception {
    Scenario s =
        SimulationTest.scenario(
            """
            name: crash-streams
            seed: 9
            replicas:
              - {id: a}
              - {id: b, crash_at_s: 10}
            model: {type: vllm-step, max_num_seqs: 2}
            workload:
              type: poisson
              rate_per_s: 6
              duration_s: 20
              prompt_tokens: 500
              output_tokens: 200
            streaming: true
            """);
    Run run = run(s, "round-robin");
    List<Failed> failed = run.all(Failed.class);
    assertThat(failed).isNotEmpty().allMatch(f -> f.cause() == FailureCause.MID_ANSWER && f.replica().equals("b"));
    assertThat(run.all(Retried.class))
        .isNotEmpty()
        .allMatch(r -> r.cause() == FailureCause.CONNECTION && r.failedReplica().equals("b"));
    assertThat(run.result().errors()).isEqualTo(failed.size());
    // Each cut stream had had its first token from b before 10 s; no retried one had.
    List<RequestEvent> firsts =
        run.events().stream()
            .filter(e -> e instanceof dev.switchboard.core.event.FirstByte fb && fb.replica().equals("b"))
            .map(RequestEvent.class::cast)
            .toList();
    for (Failed f : failed) {
      assertThat(firsts).anyMatch(fb -> fb.request() == f.request() && fb.atNanos() < 10 * S);
    }
    for (Retried r : run.all(Retried.class)) {
      assertThat(firsts).noneMatch(fb -> fb.request() == r.request());
    }
  }
}
