package dev.switchboard.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.sim.metrics.Percentiles;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.PolicyResult.TierResult;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.metrics.TimeSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy that completed nothing has no latency, and no report may show it as 0 ms. */
class EmptySummaryReportTest {
  private static final Percentiles SOME = new Percentiles(10, 120, 100, 200, 300, 400);

  @TempDir Path dir;

  private static PolicyResult served() {
    return new PolicyResult(
        "served", 10, 0, 0, 0, 0, SOME, SOME, Percentiles.EMPTY, SOME, 1, 10, new double[] {1},
        new double[] {0.5}, List.of(new double[] {100, 0.5}, new double[] {400, 1.0}),
        new TimeSeries(1.0, new long[0], new long[0], new double[0], new int[1][0]),
        Map.of("free", new TierResult(10, 0, 0, 0, SOME, SOME)),
        Map.of());
  }

  private static PolicyResult dropAll() {
    return new PolicyResult(
        "drop-all", 0, 10, 0, 0, 0, Percentiles.EMPTY, Percentiles.EMPTY, Percentiles.EMPTY,
        Percentiles.EMPTY, 0, 10, new double[] {0}, new double[] {0}, List.of(),
        new TimeSeries(1.0, new long[0], new long[0], new double[0], new int[1][0]),
        Map.of("free", new TierResult(0, 10, 0, 0, Percentiles.EMPTY, Percentiles.EMPTY)),
        Map.of());
  }

  private static SimulationReport report() {
    return new SimulationReport(
        "s", "one served, one dropped", 1L, List.of("r0"), List.of(1.0), List.of(served(), dropAll()));
  }

  @Test
  void jsonWritesNullForTheTimesOfAnEmptySummaryAndStaysValidJson() throws Exception {
    JsonNode root = new ObjectMapper().readTree(JsonReport.toJson(report()));
    JsonNode dropped = root.get("results").get(1);
    for (String field : new String[] {"latency_ms", "ttft_ms", "inter_token_ms", "queue_wait_ms"}) {
      for (String p : new String[] {"p50", "p95", "p99", "max", "mean"}) {
        assertThat(dropped.get(field).get(p).isNull()).as(field + "." + p).isTrue();
      }
      assertThat(dropped.get(field).get("count").asLong()).isZero();
    }
    assertThat(dropped.get("by_tier").get("free").get("latency_ms").get("p99").isNull()).isTrue();
    assertThat(root.get("results").get(0).get("latency_ms").get("p99").asDouble()).isEqualTo(300);
    assertThat(root.get("results").get(0).get("inter_token_ms").get("p50").isNull()).isTrue();
  }

  @Test
  void theTableShowsADashWhereNothingWasRecorded() {
    String dropped =
        TableReport.render(report()).lines().filter(l -> l.startsWith("drop-all")).findFirst().orElseThrow();
    assertThat(dropped.split("\\s+"))
        .containsExactly("drop-all", "0", "10", "-", "-", "-", "-", "-", "0%", "0%", "-");
  }

  @Test
  void theHtmlReportShowsADashWhereNothingWasRecorded() throws Exception {
    String html = Files.readString(HtmlReport.write(report(), dir));
    int cell = html.indexOf("</span>drop-all</td>");
    String row = html.substring(cell, html.indexOf("</tr>", cell));
    assertThat(row).doesNotContain("NaN", ">0.0<").contains("<td>-</td>");
  }
}
