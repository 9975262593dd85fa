package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceWorkloadTest {
  @TempDir Path dir;

  /** A Mooncake trace with a record every {@code gapMs}, sized by its index. */
  private Path evenTrace(int records, long gapMs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < records; i++) {
      sb.append(
          String.format(
              "{\"timestamp\": %d, \"input_length\": %d, \"output_length\": %d}%n",
              5000 + i * gapMs, 100 + i, 1 + i % 7));
    }
    Path p = dir.resolve("even.jsonl");
    Files.writeString(p, sb);
    return p;
  }

  private static List<Arrival> replay(Path trace, String fields) {
    return Yaml.drain(spec(trace, fields).create(3, Double.NaN));
  }

  private static WorkloadSpec spec(Path trace, String fields) {
    return Yaml.spec("type: trace\n" + fields).withTracePath(trace);
  }

  @Test
  void replaysOffsetsSizesAndHashesFromTheTrace() throws IOException {
    Path p = dir.resolve("t.jsonl");
    Files.writeString(
        p,
        """
        {"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47]}
        {"timestamp": 27500, "input_length": 10, "output_length": 0}
        """);
    List<Arrival> a = replay(p, "");
    assertThat(a).extracting(Arrival::id).containsExactly(0L, 1L);
    assertThat(a).extracting(Arrival::atNanos).containsExactly(0L, 18_000_000L);
    assertThat(a).extracting(Arrival::promptTokens).containsExactly(6955, 10);
    assertThat(a.get(0).blockHashes()).containsExactly(46, 47);
    assertThat(a.get(1).blockHashes()).isEmpty();
  }

  @Test
  void zeroGeneratedTokensBecomeOne() throws IOException {
    Path p = dir.resolve("t.csv");
    Files.writeString(p, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00.0,5,0\n");
    assertThat(replay(p, "")).extracting(Arrival::outputTokens).containsExactly(1);
  }

  @Test
  void speedupTwoHalvesOffsets() throws IOException {
    Path p = evenTrace(50, 300);
    List<Arrival> normal = replay(p, "");
    List<Arrival> fast = replay(p, "speedup: 2.0");
    assertThat(fast).hasSameSizeAs(normal);
    for (int i = 0; i < normal.size(); i++) {
      assertThat(fast.get(i).atNanos()).isEqualTo(normal.get(i).atNanos() / 2);
    }
  }

  @Test
  void withSpeedupOverridesTheScenario() throws IOException {
    Path p = evenTrace(10, 1000);
    List<Arrival> a = Yaml.drain(spec(p, "speedup: 2").withSpeedup(4).create(1, Double.NaN));
    assertThat(a.get(9).atNanos()).isEqualTo(9 * 250_000_000L);
  }

  @Test
  void rateScaleHalfKeepsAboutHalf() throws IOException {
    List<Arrival> a = replay(evenTrace(4000, 10), "rate_scale: 0.5");
    assertThat(a.size()).isBetween(1850, 2150);
    assertThat(a).extracting(Arrival::id).startsWith(0L, 1L, 2L);
  }

  @Test
  void rateScaleTwoDoublesAndStaysOrdered() throws IOException {
    List<Arrival> a = replay(evenTrace(1000, 100), "rate_scale: 2.0");
    assertThat(a).hasSize(2000);
    for (int i = 1; i < a.size(); i++) {
      assertThat(a.get(i).atNanos()).isGreaterThanOrEqualTo(a.get(i - 1).atNanos());
    }
    // Each copy falls between its record and the next, not on top of the record.
    for (int i = 0; i + 2 < a.size(); i += 2) {
      long record = a.get(i).atNanos();
      assertThat(a.get(i + 1).atNanos()).isBetween(record, record + 100_000_000L - 1);
      assertThat(a.get(i + 1).promptTokens()).isEqualTo(a.get(i).promptTokens());
    }
    long onTheRecord = 0;
    for (int i = 0; i + 1 < a.size(); i += 2) {
      onTheRecord += a.get(i + 1).atNanos() == a.get(i).atNanos() ? 1 : 0;
    }
    assertThat(onTheRecord).isLessThan(10);
  }

  @Test
  void fractionalRateScaleAddsTheFractionOfCopies() throws IOException {
    List<Arrival> a = replay(evenTrace(4000, 10), "rate_scale: 1.25");
    assertThat(a.size() / 4000.0).isCloseTo(1.25, within(0.03));
  }

  @Test
  void maxRequestsCapsTheReplay() throws IOException {
    assertThat(replay(evenTrace(100, 10), "max_requests: 7")).hasSize(7);
  }

  @Test
  void durationCutsTheReplay() throws IOException {
    List<Arrival> a = replay(evenTrace(100, 100), "duration_s: 1");
    assertThat(a).hasSize(10);
  }

  @Test
  void arrivalsGetTiersAndServiceTimes() throws IOException {
    List<Arrival> a =
        replay(
            evenTrace(200, 10),
            "service_time_ms: 8\ntiers: [{name: a, share: 1}, {name: b, share: 1, tenants: 4}]");
    assertThat(a).extracting(Arrival::tier).contains("a", "b");
    assertThat(a).extracting(Arrival::tenant).contains("a-0", "b-3");
    assertThat(a).allSatisfy(x -> assertThat(x.serviceNanos()).isEqualTo(8_000_000L));
  }

  @Test
  void theTraceIsReadLazilySoALateBadLineSurfacesOnlyWhenReached() throws IOException {
    Path p = dir.resolve("late.csv");
    Files.writeString(
        p,
        """
        TIMESTAMP,ContextTokens,GeneratedTokens
        2023-11-16 18:00:00.0,5,1
        2023-11-16 18:00:01.0,5,1
        2023-11-16 18:00:02.0,5,1
        2023-11-16 18:00:03.0,oops,1
        """);
    Workload w = spec(p, "").create(1, Double.NaN);
    assertThat(w.next()).isNotNull();
    assertThat(w.next()).isNotNull();
    assertThatThrownBy(() -> Yaml.drain(w))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":5: ");
  }

  @Test
  void identicalForTheSameSeed() throws IOException {
    Path p = evenTrace(300, 10);
    String fields = "rate_scale: 1.5\ntiers: [{name: a, share: 1}, {name: b, share: 2}]";
    assertThat(replay(p, fields))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(replay(p, fields));
  }
}
