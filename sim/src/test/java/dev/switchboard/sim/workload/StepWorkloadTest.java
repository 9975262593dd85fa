package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepWorkloadTest {
  private static final long SECOND = 1_000_000_000L;
  private static final String LEVELS =
      """
      levels:
        - {rate_per_s: 20, duration_s: 100}
        - {rate_per_s: 0, duration_s: 50}
        - {rate_per_s: 80, duration_s: 100}
      """;

  private static WorkloadSpec steps(String fields) {
    return Yaml.spec("type: steps\nprompt_tokens: 10\noutput_tokens: 10\n" + fields);
  }

  private static long countBetween(List<Arrival> a, long fromSecond, long toSecond) {
    return a.stream()
        .filter(x -> x.atNanos() >= fromSecond * SECOND && x.atNanos() < toSecond * SECOND)
        .count();
  }

  @Test
  void eachLevelHasItsRateAndThePauseHasNone() {
    List<Arrival> a = Yaml.drain(steps(LEVELS).create(4, Double.NaN));
    assertThat(countBetween(a, 0, 100) / 100.0).isCloseTo(20, within(20 * 0.08));
    assertThat(countBetween(a, 100, 150)).isZero();
    assertThat(countBetween(a, 150, 250) / 100.0).isCloseTo(80, within(80 * 0.05));
  }

  @Test
  void endsAfterTheLastLevelWithoutRepeat() {
    Workload w = steps(LEVELS).create(4, Double.NaN);
    List<Arrival> a = Yaml.drain(w);
    assertThat(a.get(a.size() - 1).atNanos()).isLessThan(250 * SECOND);
    assertThat(w.next()).isNull();
    assertThat(w.expectedCount()).isEqualTo(-1);
  }

  @Test
  void repeatStartsOverUntilTheStopRule() {
    List<Arrival> a =
        Yaml.drain(steps(LEVELS + "repeat: true\nduration_s: 600").create(4, Double.NaN));
    assertThat(a.get(a.size() - 1).atNanos()).isBetween(590 * SECOND, 600 * SECOND);
    // The second pass repeats the first: a pause at 350-400 s, the high level after it.
    assertThat(countBetween(a, 350, 400)).isZero();
    assertThat(countBetween(a, 400, 500) / 100.0).isCloseTo(80, within(80 * 0.05));
  }

  @Test
  void aRepeatingScheduleCutOnlyByARequestCountKnowsItsCount() {
    Workload w = steps(LEVELS + "repeat: true\nrequests: 500").create(4, Double.NaN);
    assertThat(w.expectedCount()).isEqualTo(500);
    assertThat(Yaml.drain(w)).hasSize(500);
  }

  @Test
  void repeatWithoutAStopRuleIsRejected() {
    assertThatThrownBy(() -> steps(LEVELS + "repeat: true"))
        .hasMessageStartingWith("workload.requests: is required (or duration_s)");
  }

  @Test
  void aNegativeRateIsRejectedNamingTheLevel() {
    assertThatThrownBy(
            () ->
                steps("levels: [{rate_per_s: 5, duration_s: 1}, {rate_per_s: -1, duration_s: 1}]"))
        .hasMessageStartingWith("workload.levels[1].rate_per_s: must be >= 0");
  }

  @Test
  void missingLevelsAreRejected() {
    assertThatThrownBy(() -> steps("repeat: false"))
        .hasMessageStartingWith("workload.levels: is required");
  }
}
