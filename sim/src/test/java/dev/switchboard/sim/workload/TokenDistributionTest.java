package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.ConfigException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenDistributionTest {
  private static final int N = 200_000;

  private static TokenDistribution parse(String yaml) {
    return TokenDistribution.parse(Yaml.node(yaml, "workload.prompt_tokens"));
  }

  private static int[] samples(TokenDistribution d) {
    SplittableRandom rnd = new SplittableRandom(7);
    int[] out = new int[N];
    for (int i = 0; i < N; i++) {
      out[i] = d.sample(rnd);
    }
    return out;
  }

  @Test
  void aPlainNumberIsAConstant() {
    TokenDistribution d = parse("128");
    assertThat(samples(d)).containsOnly(128);
    assertThat(d.mean()).isEqualTo(128);
  }

  @Test
  void constantMappingGivesItsValue() {
    assertThat(samples(parse("{dist: constant, value: 7}"))).containsOnly(7);
  }

  @Test
  void uniformTokensCoverEveryWholeNumberBetweenTheBoundsEqually() {
    TokenDistribution d = parse("{dist: uniform, min: 3, max: 5}");
    int[] counts = new int[8];
    for (int s : samples(d)) {
      counts[s]++;
    }
    assertThat(counts[0] + counts[1] + counts[2] + counts[6] + counts[7]).isZero();
    for (int v = 3; v <= 5; v++) {
      assertThat(counts[v] / (double) N).as("share of %d", v).isCloseTo(1 / 3.0, within(0.01));
    }
    assertThat(d.mean()).isEqualTo(4.0);
  }

  @Test
  void exponentialTokensHaveTheConfiguredMeanAndNeverFallBelowOne() {
    TokenDistribution d = parse("{dist: exponential, mean: 200}");
    int[] s = samples(d);
    assertThat(d.mean()).isCloseTo(200, within(1.0));
    assertThat(Arrays.stream(s).average().orElseThrow())
        .isCloseTo(d.mean(), within(d.mean() * 0.02));
    assertThat(Arrays.stream(s).min().orElseThrow()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void exponentialMeanAccountsForTheClamp() {
    TokenDistribution d = parse("{dist: exponential, mean: 200, min: 50, max: 300}");
    int[] s = samples(d);
    assertThat(Arrays.stream(s).min().orElseThrow()).isEqualTo(50);
    assertThat(Arrays.stream(s).max().orElseThrow()).isEqualTo(300);
    assertThat(Arrays.stream(s).average().orElseThrow())
        .isCloseTo(d.mean(), within(d.mean() * 0.01));
  }

  @Test
  void lognormalTokensHaveTheConfiguredMedian() {
    int[] s = samples(parse("{dist: lognormal, median: 500, sigma: 1.0}"));
    Arrays.sort(s);
    assertThat((double) s[N / 2]).isCloseTo(500, within(15.0));
  }

  @Test
  void lognormalMeanAccountsForTheClamp() {
    TokenDistribution d = parse("{dist: lognormal, median: 500, sigma: 1.0, min: 100, max: 800}");
    int[] s = samples(d);
    assertThat(Arrays.stream(s).min().orElseThrow()).isEqualTo(100);
    assertThat(Arrays.stream(s).max().orElseThrow()).isEqualTo(800);
    // Unclamped, the mean would be 500·e^0.5 ≈ 824; the cap at 800 pulls it well below.
    assertThat(d.mean()).isLessThan(600);
    assertThat(Arrays.stream(s).average().orElseThrow())
        .isCloseTo(d.mean(), within(d.mean() * 0.01));
  }

  @Test
  void unclampedLognormalMeanIsMedianTimesExpHalfSigmaSquared() {
    TokenDistribution d = parse("{dist: lognormal, median: 500, sigma: 0.8, min: 0}");
    assertThat(d.mean()).isCloseTo(500 * Math.exp(0.32), within(0.01));
  }

  @Test
  void outputTokensCannotBeZero() {
    assertThatThrownBy(
            () ->
                TokenDistribution.parse(
                    Yaml.node("{dist: uniform, min: 0, max: 10}", "workload.output_tokens"), 1))
        .isInstanceOf(ConfigException.class)
        .hasMessage("workload.output_tokens.min: must be >= 1, was 0");
  }

  @Test
  void negativeConstantIsRejectedNamingTheField() {
    assertThatThrownBy(() -> parse("-3"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("workload.prompt_tokens: must be >= 0, was -3");
  }

  @Test
  void nonPositiveMedianIsRejectedNamingTheField() {
    assertThatThrownBy(() -> parse("{dist: lognormal, median: -3, sigma: 1}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("workload.prompt_tokens.median: must be > 0, was -3");
  }

  @Test
  void maxBelowMinIsRejected() {
    assertThatThrownBy(() -> parse("{dist: uniform, min: 10, max: 5}"))
        .hasMessage("workload.prompt_tokens.max: must be >= min (10), was 5");
  }

  @Test
  void fractionalTokenBoundsAreRejected() {
    assertThatThrownBy(() -> parse("{dist: uniform, min: 1.5, max: 5}"))
        .hasMessageStartingWith("workload.prompt_tokens.min: must be a whole number");
  }

  @Test
  void unknownDistributionIsNamed() {
    assertThatThrownBy(() -> parse("{dist: zipf, s: 1}"))
        .hasMessageStartingWith("workload.prompt_tokens.dist: unknown distribution 'zipf'");
  }

  @Test
  void misspelledParameterIsNamed() {
    assertThatThrownBy(() -> parse("{dist: lognormal, medain: 5, sigma: 1}"))
        .hasMessageStartingWith("workload.prompt_tokens.medain: unknown field");
  }

  @Test
  void textIsNotADistribution() {
    assertThatThrownBy(() -> parse("lots"))
        .hasMessageStartingWith("workload.prompt_tokens: must be a number or a mapping");
  }
}
