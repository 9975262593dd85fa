package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arrivals of each workload type for a fixed seed, pinned as a fingerprint: a change to the
 * workload code that moves a single arrival, size, tier or tenant shows up here, so that a scenario
 * keeps giving the results it gave before for the same seed.
 */
class PinnedArrivalsTest {
  private static final String TIERS =
      "tiers: [{name: vip, share: 0.2, tenants: 3}, {name: free, share: 0.8, tenants: 5}]\n";

  @TempDir Path dir;

  /** Count and a checksum of every field of every arrival, in order. */
  static String fingerprint(Workload w) {
    long n = 0;
    long h = 17;
    for (Arrival a = w.next(); a != null; a = w.next()) {
      n++;
      for (long v :
          new long[] {
            a.id(), a.atNanos(), a.promptTokens(), a.outputTokens(), a.serviceNanos(),
            a.tenant().hashCode(), a.tier().hashCode(), Arrays.hashCode(a.blockHashes())
          }) {
        h = h * 31 + v;
      }
    }
    return n + " arrivals, checksum " + h;
  }

  private static String arrivals(String yaml, long seed) {
    return fingerprint(Yaml.spec(yaml).create(seed, 80));
  }

  @Test
  void poissonWithSizesServiceTimesAndTiers() {
    String yaml =
        "type: poisson\nrate_per_s: 40\nrequests: 3000\n"
            + "prompt_tokens: {dist: lognormal, median: 500, sigma: 1.0, max: 8000}\n"
            + "output_tokens: {dist: exponential, mean: 200, max: 2000}\n"
            + "service_time_ms: {dist: uniform, min: 10, max: 100}\n"
            + TIERS;
    assertThat(arrivals(yaml, 7)).isEqualTo("3000 arrivals, checksum -1803291288405288527");
  }

  @Test
  void poissonAtALoadForADuration() {
    String yaml = "type: poisson\nload: 0.7\nduration_s: 30\nprompt_tokens: 10\noutput_tokens: 10\n";
    assertThat(arrivals(yaml, 7)).isEqualTo("1554 arrivals, checksum 7717262779801265835");
  }

  @Test
  void burstyWithAnOffRate() {
    String yaml =
        "type: bursty\nrate_on_per_s: 100\nrate_off_per_s: 5\non_s: 2\noff_s: 3\nduration_s: 60\n"
            + "prompt_tokens: 10\noutput_tokens: {dist: uniform, min: 1, max: 50}\n"
            + TIERS;
    assertThat(arrivals(yaml, 7)).isEqualTo("2484 arrivals, checksum 6934371976263696308");
  }

  @Test
  void stepsWithAPause() {
    String yaml =
        "type: steps\nlevels: [{rate_per_s: 10, duration_s: 20}, {rate_per_s: 0, duration_s: 5},"
            + " {rate_per_s: 50, duration_s: 10}]\nprompt_tokens: 10\noutput_tokens: 10\n"
            + TIERS;
    assertThat(arrivals(yaml, 7)).isEqualTo("634 arrivals, checksum -7179530787740053896");
  }

  @Test
  void repeatingStepsCutByARequestCount() {
    String yaml =
        "type: steps\nrepeat: true\nrequests: 500\nlevels: [{rate_per_s: 10, duration_s: 20},"
            + " {rate_per_s: 0, duration_s: 5}]\nprompt_tokens: 10\noutput_tokens: 10\n";
    assertThat(arrivals(yaml, 7)).isEqualTo("500 arrivals, checksum 2531593362121338657");
  }

  @Test
  void aTraceScaledUpAndSpedUp() throws IOException {
    Path trace = dir.resolve("t.csv");
    Files.writeString(
        trace,
        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
            + "2023-11-16 18:15:46.6805900,374,44\n"
            + "2023-11-16 18:15:50.7479600,396,109\n"
            + "2023-11-16 18:15:50.9451110,879,0\n"
            + "2023-11-16 18:15:51.1466090,91,115\n"
            + "2023-11-16 18:16:01.0,10,1\n");
    String yaml = "type: trace\npath: " + trace + "\nrate_scale: 3.5\nspeedup: 2\n" + TIERS;
    assertThat(arrivals(yaml, 7)).isEqualTo("18 arrivals, checksum 5025003415916501851");
  }
}
