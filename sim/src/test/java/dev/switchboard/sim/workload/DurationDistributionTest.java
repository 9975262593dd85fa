package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DurationDistributionTest {
  private static final int N = 100_000;

  private static DurationDistribution parse(String yaml) {
    return DurationDistribution.parse(Yaml.node(yaml, "workload.service_time_ms"));
  }

  private static long[] nanos(DurationDistribution d) {
    SplittableRandom rnd = new SplittableRandom(11);
    long[] out = new long[N];
    for (int i = 0; i < N; i++) {
      out[i] = d.sampleNanos(rnd);
    }
    return out;
  }

  @Test
  void aPlainNumberIsThatManyMilliseconds() {
    DurationDistribution d = parse("250");
    assertThat(nanos(d)).containsOnly(250_000_000L);
    assertThat(d.meanMillis()).isEqualTo(250);
  }

  @Test
  void fractionalMillisecondsAreKept() {
    assertThat(nanos(parse("0.5"))).containsOnly(500_000L);
  }

  @Test
  void uniformServiceTimeIsContinuous() {
    DurationDistribution d = parse("{dist: uniform, min: 100, max: 1000}");
    long[] s = nanos(d);
    assertThat(Arrays.stream(s).min().orElseThrow()).isGreaterThanOrEqualTo(100_000_000L);
    assertThat(Arrays.stream(s).max().orElseThrow()).isLessThanOrEqualTo(1_000_000_000L);
    long wholeMillis = Arrays.stream(s).filter(v -> v % 1_000_000 == 0).count();
    assertThat(wholeMillis).as("draws landing on whole milliseconds").isLessThan(N / 100);
    assertThat(Arrays.stream(s).distinct().count()).isGreaterThan(N * 99L / 100);
    assertThat(Arrays.stream(s).average().orElseThrow() / 1e6).isCloseTo(550, within(5.0));
    assertThat(d.meanMillis()).isEqualTo(550);
  }

  @Test
  void exponentialServiceTimeHasTheConfiguredMean() {
    DurationDistribution d = parse("{dist: exponential, mean: 40}");
    assertThat(d.meanMillis()).isCloseTo(40, within(1e-9));
    assertThat(Arrays.stream(nanos(d)).average().orElseThrow() / 1e6).isCloseTo(40, within(0.8));
  }

  @Test
  void lognormalServiceTimeIsClampedToItsBounds() {
    long[] s = nanos(parse("{dist: lognormal, median: 200, sigma: 1.5, min: 50, max: 400}"));
    assertThat(Arrays.stream(s).min().orElseThrow()).isEqualTo(50_000_000L);
    assertThat(Arrays.stream(s).max().orElseThrow()).isEqualTo(400_000_000L);
  }

  @Test
  void aZeroServiceTimeIsRejected() {
    assertThatThrownBy(() -> parse("0"))
        .hasMessageStartingWith("workload.service_time_ms: must be > 0");
  }

  @Test
  void aSampleIsNeverZeroBecauseZeroMeansNoServiceTime() {
    long[] s = nanos(parse("{dist: uniform, min: 0, max: 0.000001}"));
    assertThat(Arrays.stream(s).min().orElseThrow()).isEqualTo(1);
  }
}
