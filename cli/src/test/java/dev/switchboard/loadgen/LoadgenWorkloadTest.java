package dev.switchboard.loadgen;

import static dev.switchboard.loadgen.TestWorkloads.all;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;
import dev.switchboard.sim.workload.Arrival;
import dev.switchboard.sim.workload.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadgenWorkloadTest {
  private static final String SCENARIO =
      """
      name: x
      seed: 9
      replicas: [{id: a}]
      workload:
        type: poisson
        rate_per_s: 50
        requests: 300
        prompt_tokens: {dist: lognormal, median: 100, sigma: 0.5, max: 1000}
        output_tokens: {dist: exponential, mean: 40, max: 400}
        tiers: [{name: vip, share: 0.3, tenants: 2}, {name: free, share: 0.7, tenants: 5}]
      """;

  @TempDir Path dir;

  private static LoadgenWorkload.Options options(
      Path file, Double rate, Long requests, String mix, List<String> keyTiers) {
    return new LoadgenWorkload.Options(
        file, rate, requests, null, null, null, mix == null ? null : TierShares.parse(mix),
        keyTiers, null, null, null);
  }

  @Test
  void replaysTheSameArrivalsAsTheSimulatorForAScenarioFile() throws Exception {
    Path file = Files.writeString(dir.resolve("s.yaml"), SCENARIO);
    LoadgenWorkload plan = LoadgenWorkload.from(options(file, null, null, null, List.of()));
    assertThat(plan.seed()).isEqualTo(9);
    WorkloadSpec simulators =
        WorkloadSpec.parse(
            new Node(new ObjectMapper(new YAMLFactory()).readTree(SCENARIO).get("workload"), "workload"));
    List<Arrival> ours = all(plan.create());
    List<Arrival> theirs = all(simulators.create(9, Double.NaN));
    assertThat(ours).hasSize(300);
    assertThat(ours)
        .extracting(Arrival::atNanos, Arrival::promptTokens, Arrival::outputTokens, Arrival::tenant)
        .isEqualTo(
            theirs.stream()
                .map(a -> tuple(a.atNanos(), a.promptTokens(), a.outputTokens(), a.tenant()))
                .toList());
    assertThat(plan.tierNames()).containsExactly("vip", "free");
  }

  @Test
  void optionsOverrideTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("s.yaml"), SCENARIO);
    LoadgenWorkload plan =
        LoadgenWorkload.from(options(file, 1000.0, 10L, "gold=1", List.of()));
    List<Arrival> arrivals = all(plan.create());
    assertThat(arrivals).hasSize(10);
    assertThat(arrivals).extracting(Arrival::tier).containsOnly("gold");
    assertThat(arrivals.get(9).atNanos()).isLessThan(200_000_000L); // 1000/s, not 50/s
  }

  @Test
  void severalKeyedTiersWithoutAMixShareTheTrafficEqually() {
    LoadgenWorkload plan =
        LoadgenWorkload.from(options(null, 1000.0, 2000L, null, List.of("a", "b")));
    long a = all(plan.create()).stream().filter(x -> x.tier().equals("a")).count();
    assertThat(a).isBetween(850L, 1150L);
  }

  @Test
  void aDurationEndsTheArrivalsAtThatTime() {
    LoadgenWorkload plan =
        LoadgenWorkload.from(
            new LoadgenWorkload.Options(
                null, 100.0, null, Duration.ofMillis(500), 10, 5, null, List.of(), null, null, 3L));
    List<Arrival> arrivals = all(plan.create());
    assertThat(arrivals).isNotEmpty().allMatch(x -> x.atNanos() < 500_000_000L);
    assertThat(arrivals).allMatch(x -> x.promptTokens() == 10 && x.outputTokens() == 5);
  }

  @Test
  void namesTheOptionWhenTheArrivalsHaveNoSourceOrNoEnd() {
    assertThatThrownBy(() -> LoadgenWorkload.from(options(null, null, 10L, null, List.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--rate: is required");
    assertThatThrownBy(() -> LoadgenWorkload.from(options(null, 5.0, null, null, List.of())))
        .hasMessageStartingWith("--requests: ");
    assertThatThrownBy(() -> LoadgenWorkload.from(options(null, -5.0, 3L, null, List.of())))
        .hasMessageStartingWith("--rate: must be a number > 0");
  }

  @Test
  void aFileGivingLoadInsteadOfARateAsksForRate() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("l.yaml"), SCENARIO.replace("rate_per_s: 50", "load: 0.8"));
    assertThatThrownBy(() -> LoadgenWorkload.from(options(file, null, null, null, List.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--rate: is required");
    assertThat(LoadgenWorkload.from(options(file, 20.0, null, null, List.of())).create().next())
        .isNotNull();
  }

  @Test
  void aFileWithoutAWorkloadMappingIsRefusedNamingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("w.yaml"), "name: nothing\n");
    assertThatThrownBy(() -> LoadgenWorkload.from(options(file, null, null, null, List.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("w.yaml")
        .hasMessageContaining("workload:");
  }
}
