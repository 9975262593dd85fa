package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BurstyWorkloadTest {
  private static final long SECOND = 1_000_000_000L;

  private static List<Arrival> run(String fields) {
    String yaml = "type: bursty\nprompt_tokens: 10\noutput_tokens: 10\n" + fields;
    return Yaml.drain(Yaml.spec(yaml).create(9, Double.NaN));
  }

  @Test
  void noArrivalsFallInOffPeriodsAtRateZero() {
    List<Arrival> a = run("rate_on_per_s: 100\non_s: 2\noff_s: 3\nduration_s: 100");
    assertThat(a).isNotEmpty();
    assertThat(a)
        .allSatisfy(x -> assertThat(x.atNanos() % (5 * SECOND)).isLessThanOrEqualTo(2 * SECOND));
    // 20 on-periods of 2 s at 100/s.
    assertThat(a.size()).isBetween(3700, 4300);
  }

  @Test
  void everyOnPeriodGetsTraffic() {
    List<Arrival> a = run("rate_on_per_s: 100\non_s: 2\noff_s: 3\nduration_s: 100");
    boolean[] seen = new boolean[20];
    a.forEach(x -> seen[(int) (x.atNanos() / (5 * SECOND))] = true);
    assertThat(seen).doesNotContain(false);
  }

  @Test
  void offPeriodsRunAtTheOffRateWhenOneIsGiven() {
    List<Arrival> a =
        run("rate_on_per_s: 200\nrate_off_per_s: 20\non_s: 1\noff_s: 1\nduration_s: 200");
    long on = a.stream().filter(x -> x.atNanos() % (2 * SECOND) < SECOND).count();
    long off = a.size() - on;
    assertThat(on / 100.0).isCloseTo(200, within(200 * 0.05));
    assertThat(off / 100.0).isCloseTo(20, within(20 * 0.15));
  }

  @Test
  void stopsAfterTheRequestCount() {
    assertThat(run("rate_on_per_s: 50\non_s: 1\noff_s: 1\nrequests: 777")).hasSize(777);
  }

  @Test
  void knowsItsCountWhenOnlyARequestCountStopsIt() {
    String yaml = "type: bursty\nprompt_tokens: 10\noutput_tokens: 10\n";
    Workload counted =
        Yaml.spec(yaml + "rate_on_per_s: 50\non_s: 1\noff_s: 1\nrequests: 777").create(9, Double.NaN);
    Workload timed =
        Yaml.spec(yaml + "rate_on_per_s: 50\non_s: 1\noff_s: 1\nduration_s: 10").create(9, Double.NaN);
    assertThat(counted.expectedCount()).isEqualTo(777);
    assertThat(timed.expectedCount()).isEqualTo(-1);
  }
}
