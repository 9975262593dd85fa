package dev.switchboard.sim.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void aSummaryOfNothingHasNoTimesRatherThanTimesOfZero() {
    assertThat(Percentiles.EMPTY.count()).isZero();
    assertThat(Percentiles.EMPTY.isEmpty()).isTrue();
    assertThat(
            new double[] {
              Percentiles.EMPTY.mean(), Percentiles.EMPTY.p50(), Percentiles.EMPTY.p95(),
              Percentiles.EMPTY.p99(), Percentiles.EMPTY.max()
            })
        .containsOnly(Double.NaN);
  }

  @Test
  void anEmptyHistogramSummarisesAsEmpty() {
    assertThat(Percentiles.ofMicros(new Histogram(3))).isSameAs(Percentiles.EMPTY);
  }

  @Test
  void aHistogramOfMicrosecondsSummarisesInMilliseconds() {
    Histogram h = new Histogram(3);
    for (int ms = 1; ms <= 100; ms++) {
      h.recordValue(ms * 1000L);
    }
    Percentiles p = Percentiles.ofMicros(h);
    assertThat(p.isEmpty()).isFalse();
    assertThat(p.count()).isEqualTo(100);
    assertThat(p.mean()).isBetween(50.4, 50.6);
    assertThat(p.p50()).isBetween(49.9, 50.1);
    assertThat(p.p95()).isBetween(94.9, 95.1);
    assertThat(p.p99()).isBetween(98.9, 99.1);
    assertThat(p.max()).isBetween(99.9, 100.1);
  }
}
