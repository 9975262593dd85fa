package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PoissonWorkloadTest {
  private static final String SIZES =
      """
      prompt_tokens: {dist: lognormal, median: 300, sigma: 1}
      output_tokens: {dist: exponential, mean: 100}
      """;
  private static final String TIERS =
      "tiers: [{name: vip, share: 0.2, tenants: 2}, {name: free, share: 0.8, tenants: 5}]\n";

  /** A poisson workload with {@code fields} (one per line) and the standard sizes. */
  private static WorkloadSpec poisson(String fields) {
    return Yaml.spec("type: poisson\n" + fields + "\n" + SIZES);
  }

  private static List<Arrival> run(String fields, long seed) {
    return Yaml.drain(poisson(fields).create(seed, Double.NaN));
  }

  @Test
  void poissonArrivalsHaveTheConfiguredMeanRate() {
    List<Arrival> a = run("rate_per_s: 50\nrequests: 100000", 1);
    assertThat(a).hasSize(100_000);
    double seconds = a.get(a.size() - 1).atNanos() / 1e9;
    assertThat(a.size() / seconds).isCloseTo(50, within(50 * 0.02));
  }

  @Test
  void poissonGapsAreExponentialWithCoefficientOfVariationOne() {
    List<Arrival> a = run("rate_per_s: 200\nrequests: 100000", 2);
    double sum = 0;
    double sumSq = 0;
    long previous = 0;
    for (Arrival x : a) {
      double gap = x.atNanos() - previous;
      sum += gap;
      sumSq += gap * gap;
      previous = x.atNanos();
    }
    double mean = sum / a.size();
    double sd = Math.sqrt(sumSq / a.size() - mean * mean);
    assertThat(sd / mean).isCloseTo(1.0, within(0.03));
  }

  @Test
  void theSameSeedGivesTheSameArrivals() {
    String fields = "rate_per_s: 20\nrequests: 500\n" + TIERS;
    assertThat(run(fields, 42))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(run(fields, 42));
  }

  @Test
  void differentSeedsGiveDifferentArrivals() {
    String fields = "rate_per_s: 20\nrequests: 500\n" + TIERS;
    List<Arrival> a = run(fields, 1);
    List<Arrival> b = run(fields, 2);
    assertThat(a).extracting(Arrival::atNanos).isNotEqualTo(times(b));
    assertThat(a).extracting(Arrival::promptTokens).isNotEqualTo(prompts(b));
    assertThat(a)
        .extracting(Arrival::tenant)
        .isNotEqualTo(b.stream().map(Arrival::tenant).toList());
  }

  @Test
  void changingTheTierMixLeavesArrivalTimesAndSizesAlone() {
    List<Arrival> plain = run("rate_per_s: 20\nrequests: 300", 5);
    List<Arrival> tiered = run("rate_per_s: 20\nrequests: 300\n" + TIERS, 5);
    assertThat(tiered).extracting(Arrival::atNanos).isEqualTo(times(plain));
    assertThat(tiered).extracting(Arrival::promptTokens).isEqualTo(prompts(plain));
    assertThat(tiered).extracting(Arrival::tier).contains("vip", "free");
  }

  @Test
  void addingServiceTimesLeavesArrivalTimesAndSizesAlone() {
    List<Arrival> plain = run("rate_per_s: 20\nrequests: 300", 5);
    List<Arrival> timed =
        run("rate_per_s: 20\nrequests: 300\nservice_time_ms: {dist: exponential, mean: 50}", 5);
    assertThat(timed).extracting(Arrival::atNanos).isEqualTo(times(plain));
    assertThat(timed).extracting(Arrival::promptTokens).isEqualTo(prompts(plain));
  }

  @Test
  void idsCountFromZeroAndTimesNeverDecrease() {
    List<Arrival> a = run("rate_per_s: 1000\nrequests: 5000", 3);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).id()).isEqualTo(i);
      if (i > 0) {
        assertThat(a.get(i).atNanos()).isGreaterThanOrEqualTo(a.get(i - 1).atNanos());
      }
    }
  }

  @Test
  void stopsAfterTheRequestCountAndSaysSoInAdvance() {
    Workload w = poisson("rate_per_s: 10\nrequests: 250").create(1, Double.NaN);
    assertThat(w.expectedCount()).isEqualTo(250);
    assertThat(Yaml.drain(w)).hasSize(250);
    assertThat(w.next()).isNull();
  }

  @Test
  void stopsAtTheDurationOfVirtualTime() {
    Workload w = poisson("rate_per_s: 100\nduration_s: 30").create(1, Double.NaN);
    assertThat(w.expectedCount()).isEqualTo(-1);
    List<Arrival> a = Yaml.drain(w);
    assertThat(a).allSatisfy(x -> assertThat(x.atNanos()).isLessThan(30_000_000_000L));
    assertThat(a.get(a.size() - 1).atNanos()).isGreaterThan(29_000_000_000L);
    assertThat(a.size()).isBetween(2700, 3300);
  }

  @Test
  void whicheverStopComesFirstWins() {
    assertThat(run("rate_per_s: 100\nduration_s: 1000\nrequests: 50", 1)).hasSize(50);
    assertThat(run("rate_per_s: 100\nduration_s: 2\nrequests: 100000", 1).size())
        .isBetween(150, 250);
  }

  @Test
  void loadIsAFractionOfThePoolCapacity() {
    Workload w = poisson("load: 0.5\nrequests: 10").create(1, 80);
    assertThat(((PoissonWorkload) w).ratePerSecond()).isEqualTo(40);
  }

  @Test
  void arrivalsCarrySizesFromTheirDistributionsAndDefaults() {
    WorkloadSpec spec =
        Yaml.spec(
            "{type: poisson, rate_per_s: 10, requests: 20, prompt_tokens: 64, output_tokens: 16}");
    assertThat(Yaml.drain(spec.create(1, Double.NaN)))
        .hasSize(20)
        .allSatisfy(
            x -> {
              assertThat(x.promptTokens()).isEqualTo(64);
              assertThat(x.outputTokens()).isEqualTo(16);
              assertThat(x.serviceNanos()).isZero();
              assertThat(x.tier()).isEqualTo("standard");
              assertThat(x.tenant()).isEqualTo("standard-0");
              assertThat(x.blockHashes()).isEmpty();
            });
  }

  @Test
  void serviceTimesComeFromServiceTimeMs() {
    assertThat(run("rate_per_s: 10\nrequests: 20\nservice_time_ms: 12.5", 1))
        .allSatisfy(x -> assertThat(x.serviceNanos()).isEqualTo(12_500_000L));
  }

  private static List<Long> times(List<Arrival> a) {
    return a.stream().map(Arrival::atNanos).toList();
  }

  private static List<Integer> prompts(List<Arrival> a) {
    return a.stream().map(Arrival::promptTokens).toList();
  }
}
