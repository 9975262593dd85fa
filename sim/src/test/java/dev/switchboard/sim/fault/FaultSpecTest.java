package dev.switchboard.sim.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Yaml;
import dev.switchboard.sim.scenario.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultSpecTest {
  private static final long S = 1_000_000_000L;

  private static Scenario scenario(String replicas, String more) {
    return Scenario.parse(
        Yaml.parse(
            "name: f\nreplicas:\n" + replicas
                + "model: {type: service-time}\n"
                + "workload: {type: poisson, rate_per_s: 1, requests: 10, prompt_tokens: 10, output_tokens: 10, service_time_ms: 100}\n"
                + more));
  }

  private static FaultSpec faultsOf(String replica) {
    return scenario("  - {id: a}\n  - " + replica + "\n", "").replicas().get(1).faults();
  }

  private static void assertError(String replica, String where, String problem) {
    assertThatThrownBy(() -> faultsOf(replica))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(where + ":")
        .hasMessageContaining(problem);
  }

  @Test
  void aReplicaWithoutFaultFieldsHasNone() {
    assertThat(faultsOf("{id: b, speed: 2.0}").isNone()).isTrue();
  }

  @Test
  void everyFaultIsReadInVirtualTime() {
    FaultSpec f =
        faultsOf(
            "{id: b, faults: {error_rate: 0.3, from_s: 60, until_s: 120, error_delay_ms: 50},"
                + " crash_at_s: 90, recover_at_s: 150, slow_down: {at_s: 30, until_s: 45.5, factor: 3}}");
    assertThat(f.errors()).isEqualTo(new FaultSpec.Errors(0.3, 50_000_000, 60 * S, 120 * S));
    assertThat(f.crash()).isEqualTo(new FaultSpec.Crash(90 * S, 150 * S));
    assertThat(f.slowDown()).isEqualTo(new FaultSpec.SlowDown(30 * S, 45_500_000_000L, 3.0));
  }

  @Test
  void leftOpenAFaultStartsAtTheBeginningAndLastsToTheEnd() {
    FaultSpec f = faultsOf("{id: b, faults: {error_rate: 1}, crash_at_s: 5, slow_down: {at_s: 0, factor: 2}}");
    assertThat(f.errors()).isEqualTo(new FaultSpec.Errors(1.0, 10_000_000, 0, Long.MAX_VALUE));
    assertThat(f.crash().recoverAtNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(f.slowDown().untilNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void everyBadFieldIsNamed() {
    assertError("{id: b, faults: {error_rate: 1.5}}", "replicas[1].faults.error_rate", "must be in [0, 1]");
    assertError("{id: b, faults: {from_s: 3}}", "replicas[1].faults.error_rate", "is required");
    assertError("{id: b, faults: {error_rate: 0.5, from_s: 60, until_s: 30}}", "replicas[1].faults.until_s", "after from_s");
    assertError("{id: b, faults: {error_rate: 0.5, error_delay_ms: -1}}", "replicas[1].faults.error_delay_ms", ">= 0");
    assertError("{id: b, faults: {error_rate: 0.5, rate: 1}}", "replicas[1].faults.rate", "unknown field");
    assertError("{id: b, crash_at_s: -1}", "replicas[1].crash_at_s", ">= 0");
    assertError("{id: b, recover_at_s: 10}", "replicas[1].recover_at_s", "needs crash_at_s");
    assertError("{id: b, crash_at_s: 10, recover_at_s: 10}", "replicas[1].recover_at_s", "after crash_at_s");
    assertError("{id: b, slow_down: {factor: 2}}", "replicas[1].slow_down.at_s", "is required");
    assertError("{id: b, slow_down: {at_s: 1, factor: 0}}", "replicas[1].slow_down.factor", "> 0");
    assertError("{id: b, slow_down: {at_s: 1}}", "replicas[1].slow_down.factor", "is required");
    assertError("{id: b, crash_after: 10}", "replicas[1].crash_after", "unknown field");
  }

  @Test
  void healthAndRetriesAreTheGatewaysSectionsWithItsDefaults() {
    Scenario plain = scenario("  - {id: a}\n", "");
    assertThat(plain.health().outlier().consecutiveFailures()).isEqualTo(5);
    assertThat(plain.health().probeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(plain.retries().maxAttempts()).isEqualTo(3);
    Scenario tuned =
        scenario(
            "  - {id: a}\n",
            "health: {consecutive_failures: 2, probe_interval_ms: 250}\nretries: {max_attempts: 1}\n");
    assertThat(tuned.health().outlier().consecutiveFailures()).isEqualTo(2);
    assertThat(tuned.health().probeInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(tuned.retries().maxAttempts()).isEqualTo(1);
    assertThatThrownBy(() -> scenario("  - {id: a}\n", "health: {probe_timeout_ms: 5}\n"))
        .hasMessageStartingWith("health.probe_timeout_ms: unknown field");
  }
}
