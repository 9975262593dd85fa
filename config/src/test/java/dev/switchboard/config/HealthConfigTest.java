package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.health.OutlierPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthConfigTest {

  private static HealthConfig parse(String yaml, String... ownFields) {
    return HealthConfig.parse(Yaml.parse(yaml).get("health"), ownFields);
  }

  private static void assertError(String yaml, String where, String problem) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(where + ":")
        .hasMessageContaining(problem);
  }

  @Test
  void anAbsentSectionGivesTheGatewaysDefaults() {
    HealthConfig c = parse("other: 1\n");
    assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.outlier())
        .isEqualTo(new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofMinutes(5), 50));
  }

  @Test
  void everyFieldIsRead() {
    HealthConfig c =
        parse(
            "health: {probe_interval_ms: 250, consecutive_failures: 3, base_ejection_ms: 1500,"
                + " max_ejection_ms: 6000, max_ejected_percent: 25}\n");
    assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.outlier())
        .isEqualTo(new OutlierPolicy(3, Duration.ofMillis(1500), Duration.ofMillis(6000), 25));
  }

  @Test
  void everyErrorNamesItsField() {
    assertError("health: {base_ejection_ms: 10, max_ejection_ms: 5}\n", "health.max_ejection_ms", ">= base_ejection_ms");
    assertError("health: {max_ejected_percent: 101}\n", "health.max_ejected_percent", "<= 100");
    assertError("health: {consecutive_failures: 0}\n", "health.consecutive_failures", "> 0");
    assertError("health: {consecutive_failures: 1001}\n", "health.consecutive_failures", "<= 1000");
    assertError("health: {probe_interval_ms: -5}\n", "health.probe_interval_ms", "> 0");
    assertError("health: {probe_timeout_ms: 5}\n", "health.probe_timeout_ms", "unknown field");
  }

  @Test
  void aRuntimeMayAllowFieldsOfItsOwnInTheSection() {
    assertThat(parse("health: {probe_timeout_ms: 5, consecutive_failures: 2}\n", "probe_timeout_ms").outlier().consecutiveFailures())
        .isEqualTo(2);
  }
}
