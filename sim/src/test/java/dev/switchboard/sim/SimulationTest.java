package dev.switchboard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.report.JsonReport;
import dev.switchboard.config.Node;
import dev.switchboard.sim.scenario.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

  static Scenario scenario(String yaml) throws Exception {
    return Scenario.parse(new Node(new ObjectMapper(new YAMLFactory()).readTree(yaml), ""));
  }

  /** The seed's pool, smaller: enough requests for the ordering of the policies to be stable. */
  static final String SEED_POOL =
      """
      name: seed-small
      seed: 42
      replicas: [{id: a, speed: 1.0}, {id: b, speed: 1.0}, {id: slow, speed: 2.0}]
      model: {type: service-time, slots: 1}
      workload:
        type: poisson
        load: 0.8
        requests: 20000
        prompt_tokens: 100
        output_tokens: 50
        service_time_ms: {dist: uniform, min: 100, max: 1000}
      """;

  @Test
  void theSameSeedGivesIdenticalJson() throws Exception {
    Scenario s = scenario(SEED_POOL).withPolicies(List.of("round-robin", "p2c-peak-ewma", "oracle"));
    String first = JsonReport.toJson(Simulation.runAll(s, Simulation.ProgressFactory.NONE));
    String second = JsonReport.toJson(Simulation.runAll(s, Simulation.ProgressFactory.NONE));
    assertThat(second).isEqualTo(first);
    String other =
        JsonReport.toJson(Simulation.runAll(s.withSeed(43), Simulation.ProgressFactory.NONE));
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void everyRequestCompletesAndIsCountedOnce() throws Exception {
    Scenario s = scenario(SEED_POOL).withPolicies(List.of("least-requests"));
    PolicyResult r = Simulation.run(s, "least-requests", Simulation.ProgressFactory.NONE);
    assertThat(r.completed()).isEqualTo(20000);
    assertThat(r.rejected()).isZero();
    assertThat(r.latencyMs().count()).isEqualTo(20000);
    assertThat(r.replicaShare()).hasSize(3);
    assertThat(r.replicaShare()[0] + r.replicaShare()[1] + r.replicaShare()[2]).isCloseTo(1.0, within());
    assertThat(r.latencyMs().p50()).isLessThanOrEqualTo(r.latencyMs().p99());
    assertThat(r.queueWaitMs().mean()).isLessThan(r.latencyMs().mean());
  }

  @Test
  void roundRobinOverloadsTheThrottledReplicaWhileLoadAwarePoliciesSpareIt() throws Exception {
    Scenario s =
        scenario(SEED_POOL).withPolicies(List.of("round-robin", "peak-ewma", "least-requests", "oracle"));
    SimulationReport report = Simulation.runAll(s, Simulation.ProgressFactory.NONE);
    PolicyResult rr = report.results().get(0);
    PolicyResult ewma = report.results().get(1);
    PolicyResult oracle = report.results().get(3);
    // Round robin sends the slow replica a third of the traffic: 1.21 req/s against 0.91 it can do.
    assertThat(rr.replicaShare()[2]).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(0.01));
    assertThat(rr.replicaUtilization()[2]).isGreaterThan(0.99);
    assertThat(ewma.replicaShare()[2]).isLessThan(0.2);
    assertThat(ewma.latencyMs().p99()).isLessThan(rr.latencyMs().p99() / 2);
    for (PolicyResult r : report.results()) {
      assertThat(oracle.latencyMs().mean()).as(r.policy()).isLessThanOrEqualTo(r.latencyMs().mean() * 1.001);
    }
  }

  @Test
  void theStepModelStreamsTokensAndReportsInterTokenLatency() throws Exception {
    Scenario s =
        scenario(
            """
            name: step
            seed: 3
            replicas: {count: 2, speed: 1.0}
            model: {type: vllm-step, max_num_seqs: 64}
            workload:
              type: poisson
              rate_per_s: 20
              requests: 2000
              prompt_tokens: {dist: uniform, min: 100, max: 2000}
              output_tokens: {dist: uniform, min: 10, max: 300}
            policies: [llm-aware, oracle]
            """);
    assertThat(s.streaming()).as("streaming is the default for the step model").isTrue();
    SimulationReport report = Simulation.runAll(s, Simulation.ProgressFactory.NONE);
    for (PolicyResult r : report.results()) {
      assertThat(r.completed()).isEqualTo(2000);
      assertThat(r.ttftMs().p50()).isLessThan(r.latencyMs().p50());
      // A decode step of a small batch costs about β0 = 5.75 ms.
      assertThat(r.interTokenMs().p50()).isBetween(5.7, 12.0);
    }
  }

  @Test
  void underOverloadTheAdmissionQueueKeepsVipLatencyAndShedsFreeTrafficFirst() throws Exception {
    Scenario s =
        scenario(
            """
            name: overload
            seed: 5
            replicas: [{id: a, speed: 1.0}, {id: b, speed: 1.0}, {id: slow, speed: 2.0}]
            model: {type: service-time, slots: 1}
            workload:
              type: poisson
              load: 3.0
              requests: 6000
              prompt_tokens: 10
              output_tokens: 10
              service_time_ms: {dist: uniform, min: 100, max: 1000}
              tiers: [{name: vip, share: 0.1, tenants: 2}, {name: free, share: 0.9, tenants: 50}]
            admission:
              tiers:
                - {name: vip, priority: 0, queue_timeout_s: 30}
                - {name: free, priority: 10, queue_timeout_s: 5}
              max_queued: 30
              aging_step_s: 10
              max_in_flight: 1
            policies: [least-requests]
            """);
    PolicyResult r = Simulation.run(s, "least-requests", Simulation.ProgressFactory.NONE);
    PolicyResult.TierResult vip = r.byTier().get("vip");
    PolicyResult.TierResult free = r.byTier().get("free");
    assertThat(vip.rejected()).as("no vip is shed").isZero();
    assertThat(free.rejected()).as("free traffic is shed").isGreaterThan(free.completed());
    assertThat(r.completed() + r.rejected()).as("nothing is lost").isEqualTo(6000);
    // A vip waits at most for one service to end: far below the free requests' waits.
    assertThat(vip.latencyMs().p99()).isLessThan(2500);
    assertThat(free.latencyMs().p50()).isGreaterThan(vip.latencyMs().p50() * 2);
  }

  @Test
  void aTierRateLimitRefusesWhatIsOverItAndTheRestIsServed() throws Exception {
    Scenario s =
        scenario(
            SEED_POOL.replace("load: 0.8", "load: 0.5").replace("requests: 20000", "requests: 3000")
                .replace(
                    "service_time_ms: {dist: uniform, min: 100, max: 1000}",
                    "service_time_ms: {dist: uniform, min: 100, max: 1000}\n  tiers: [{name: vip, share: 0.5}, {name: free, share: 0.5}]")
                + "ratelimit: {tiers: {free: {requests_per_minute: 30}}}\n");
    PolicyResult r = Simulation.run(s, "least-requests", Simulation.ProgressFactory.NONE);
    PolicyResult.TierResult vip = r.byTier().get("vip");
    PolicyResult.TierResult free = r.byTier().get("free");
    assertThat(vip.rateLimited()).isZero();
    // About 1.1 free requests a second are offered, 0.5 a second allowed (plus the first minute's burst).
    double minutes = r.durationSeconds() / 60;
    assertThat(free.completed()).isBetween((long) (30 * minutes), (long) (30 * minutes) + 31);
    assertThat(free.rateLimited()).isPositive();
    assertThat(r.completed() + r.rejected()).isEqualTo(3000);
  }

  @Test
  void anAdmissionTierTheWorkloadDoesNotKnowIsRefusedNamingTheField() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                scenario(
                    SEED_POOL.replace(
                        "service_time_ms: {dist: uniform, min: 100, max: 1000}",
                        "service_time_ms: {dist: uniform, min: 100, max: 1000}\n  tiers: [{name: gold, share: 1}]")
                        + "admission: {tiers: [{name: vip, priority: 0}]}\n"))
        .hasMessageContaining("workload.tiers")
        .hasMessageContaining("gold");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
