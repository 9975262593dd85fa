package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadSpecTest {
  private static final String SIZES = "prompt_tokens: 100\noutput_tokens: 20\n";

  @TempDir Path dir;

  private static WorkloadSpec poisson(String fields) {
    return Yaml.spec("type: poisson\n" + SIZES + fields);
  }

  @Test
  void aMisspelledFieldIsNamed() {
    assertThatThrownBy(() -> poisson("rate_per_sec: 10\nrequests: 5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("workload.rate_per_sec: unknown field (known: ")
        .hasMessageContaining("rate_per_s");
  }

  @Test
  void aFieldOfAnotherTypeIsRejected() {
    assertThatThrownBy(() -> poisson("rate_per_s: 10\nrequests: 5\non_s: 3"))
        .hasMessageStartingWith("workload.on_s: unknown field");
  }

  @Test
  void aMissingRateIsNamed() {
    assertThatThrownBy(() -> poisson("requests: 5"))
        .hasMessage(
            "workload.rate_per_s: is required (or give load, a fraction of the pool's capacity)");
  }

  @Test
  void rateAndLoadTogetherAreRejected() {
    assertThatThrownBy(() -> poisson("rate_per_s: 10\nload: 0.5\nrequests: 5"))
        .hasMessage("workload.load: give either rate_per_s or load, not both");
  }

  @Test
  void aNonPositiveRateIsNamed() {
    assertThatThrownBy(() -> poisson("rate_per_s: 0\nrequests: 5"))
        .hasMessageStartingWith("workload.rate_per_s: must be > 0");
  }

  @Test
  void anUnknownTypeIsNamed() {
    assertThatThrownBy(() -> Yaml.spec("type: poison\nrate_per_s: 1"))
        .hasMessage(
            "workload.type: unknown workload type 'poison' (known: poisson, bursty, steps, trace)");
  }

  @Test
  void aMissingTypeIsNamed() {
    assertThatThrownBy(() -> Yaml.spec("rate_per_s: 1"))
        .hasMessageStartingWith("workload.type: is required");
  }

  @Test
  void syntheticWorkloadsNeedTokenSizes() {
    assertThatThrownBy(
            () -> Yaml.spec("type: poisson\nrate_per_s: 1\nrequests: 1\noutput_tokens: 5"))
        .hasMessage("workload.prompt_tokens: is required");
  }

  @Test
  void anEndlessWorkloadNeedsAStopRule() {
    assertThatThrownBy(() -> poisson("rate_per_s: 10"))
        .hasMessageStartingWith("workload.requests: is required (or duration_s)");
  }

  @Test
  void loadWithoutAKnownCapacityIsRejectedAtCreate() {
    WorkloadSpec spec = poisson("load: 0.7\nrequests: 5");
    assertThatThrownBy(() -> spec.create(1, Double.NaN))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "workload.load: can only be used with a replica model whose capacity is known"
                + " (model.type: service-time); give workload.rate_per_s instead");
  }

  @Test
  void typeAndServiceTimeAreReported() {
    WorkloadSpec spec =
        poisson("rate_per_s: 1\nrequests: 1\nservice_time_ms: {dist: uniform, min: 100, max: 300}");
    assertThat(spec.type()).isEqualTo("poisson");
    assertThat(spec.meanServiceMillis()).hasValue(200.0);
    assertThat(poisson("rate_per_s: 1\nrequests: 1").meanServiceMillis()).isEmpty();
  }

  @Test
  void tiersAreExposedInOrder() {
    WorkloadSpec spec =
        poisson("rate_per_s: 1\nrequests: 1\ntiers: [{name: b, share: 1}, {name: a, share: 1}]");
    assertThat(spec.tiers().tierNames()).containsExactly("b", "a");
    assertThat(poisson("rate_per_s: 1\nrequests: 1").tiers().tierNames())
        .containsExactly("standard");
  }

  @Test
  void aTraceWithoutAPathWaitsForOneAndFailsAtCreateWithoutIt() {
    WorkloadSpec spec = Yaml.spec("type: trace");
    assertThat(spec.needsTracePath()).isTrue();
    assertThat(spec.tracePath()).isEmpty();
    assertThatThrownBy(() -> spec.create(1, Double.NaN))
        .hasMessage("workload.path: no trace given: set workload.path or pass --trace FILE");
  }

  @Test
  void withTracePathIsAnImmutableCopy() throws IOException {
    Path p = dir.resolve("t.jsonl");
    Files.writeString(p, "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n");
    WorkloadSpec waiting = Yaml.spec("type: trace");
    WorkloadSpec given = waiting.withTracePath(p);
    assertThat(given.needsTracePath()).isFalse();
    assertThat(given.tracePath()).contains(p);
    assertThat(waiting.needsTracePath()).isTrue();
    assertThat(Yaml.drain(given.create(1, Double.NaN))).hasSize(1);
  }

  @Test
  void aTracePathOnASyntheticWorkloadNamesTheType() {
    assertThatThrownBy(() -> poisson("rate_per_s: 1\nrequests: 1").withTracePath(Path.of("x.csv")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("workload.type: is 'poisson'");
  }

  @Test
  void aMissingTraceFileNamesThePath() {
    Path missing = dir.resolve("nope.csv");
    WorkloadSpec spec = Yaml.spec("type: trace\npath: " + missing);
    assertThat(spec.tracePath()).contains(missing);
    assertThatThrownBy(() -> spec.create(1, Double.NaN))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("workload.path: ")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aTraceTakesItsSizesFromTheFileNotFromDistributions() {
    assertThatThrownBy(() -> Yaml.spec("type: trace\nprompt_tokens: 5"))
        .hasMessageStartingWith("workload.prompt_tokens: unknown field");
  }

  @Test
  void anUnknownTraceFormatIsNamed() {
    assertThatThrownBy(() -> Yaml.spec("type: trace\nformat: parquet"))
        .hasMessage("workload.format: unknown trace format 'parquet' (known: azure, mooncake)");
  }

  @Test
  void theFormatIsGuessedFromTheExtensionUnlessGiven() throws IOException {
    Path jsonAsCsv = dir.resolve("trace.txt");
    Files.writeString(jsonAsCsv, "{\"timestamp\": 0, \"input_length\": 3, \"output_length\": 1}\n");
    assertThatThrownBy(
            () -> Yaml.spec("type: trace").withTracePath(jsonAsCsv).create(1, Double.NaN))
        .hasMessageStartingWith("workload.format: cannot tell the trace format");
    WorkloadSpec explicit = Yaml.spec("type: trace\nformat: mooncake").withTracePath(jsonAsCsv);
    assertThat(Yaml.drain(explicit.create(1, Double.NaN)))
        .extracting(Arrival::promptTokens)
        .containsExactly(3);
  }

  @Test
  void withSpeedupNeedsAPositiveValue() {
    assertThatThrownBy(() -> Yaml.spec("type: trace").withSpeedup(0))
        .hasMessage("workload.speedup: must be > 0, was 0.0");
  }

  @Test
  void eachCreateStartsTheSameWorkloadAfresh() {
    WorkloadSpec spec = poisson("rate_per_s: 10\nrequests: 50");
    assertThat(Yaml.drain(spec.create(8, Double.NaN)))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(Yaml.drain(spec.create(8, Double.NaN)));
  }
}
