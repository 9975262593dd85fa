package dev.switchboard.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.sim.metrics.Percentiles;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.PolicyResult.TierResult;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.metrics.StateChange;
import dev.switchboard.sim.metrics.TimeSeries;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HtmlReportTest {
  private static final Pattern EMBEDDED = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

  @TempDir Path dir;

  @Test
  void createsMissingDirectoryAndReturnsPathOfIndexHtml() throws IOException {
    Path nested = dir.resolve("a/b/report");

    Path index = HtmlReport.write(report("mixed <&> fleet", twoPolicies()), nested);

    assertThat(index).isEqualTo(nested.resolve("index.html")).isRegularFile();
  }

  @Test
  void pageNamesEveryPolicy() throws IOException {
    String html = page(report("mixed", twoPolicies()));

    assertThat(html).contains("least-requests", "p2c-peak-ewma");
  }

  @Test
  void escapesScenarioNameAndDescription() throws IOException {
    SimulationReport r =
        new SimulationReport(
            "mixed <&> fleet", "slow \"replica\" & <b>bold</b>", 42L, ids(), speeds(), twoPolicies());

    String html = page(r);

    assertThat(html)
        .contains("<title>Simulation report: mixed &lt;&amp;&gt; fleet</title>")
        .contains("<h1>Simulation report: mixed &lt;&amp;&gt; fleet</h1>")
        .contains("slow &quot;replica&quot; &amp; &lt;b&gt;bold&lt;/b&gt;")
        .doesNotContain("<&>", "<b>bold</b>");
  }

  @Test
  void embedsFourPngChartsAndNoExternalResources() throws IOException {
    String html = page(report("mixed", twoPolicies()));

    assertThat(countOf(html, "data:image/png;base64,")).isEqualTo(4);
    assertThat(html).doesNotContain("<script", "<link", "src=\"http", "url(");
  }

  @Test
  void embeddedImagesAreTheChartFilesWrittenBesideThePage() throws IOException {
    String html = page(report("mixed", twoPolicies()));

    List<byte[]> embedded = new ArrayList<>();
    Matcher m = EMBEDDED.matcher(html);
    while (m.find()) {
      embedded.add(Base64.getDecoder().decode(m.group(1)));
    }
    assertThat(embedded)
        .containsExactly(
            Files.readAllBytes(dir.resolve("latency-cdf.png")),
            Files.readAllBytes(dir.resolve("replica-share.png")),
            Files.readAllBytes(dir.resolve("load-over-time.png")),
            Files.readAllBytes(dir.resolve("latency-over-time.png")));
  }

  @ParameterizedTest
  @CsvSource({
    "latency-cdf.png, 900, 450",
    "replica-share.png, 900, 640",
    "load-over-time.png, 900, 450",
    "latency-over-time.png, 900, 450"
  })
  void writesEachChartAsPngOfExpectedSize(String file, int width, int height) throws IOException {
    HtmlReport.write(report("mixed", twoPolicies()), dir);

    BufferedImage image = ImageIO.read(dir.resolve(file).toFile());

    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(image.getHeight()).isEqualTo(height);
  }

  @Test
  void chartsHaveWhiteBackground() throws IOException {
    HtmlReport.write(report("mixed", twoPolicies()), dir);

    BufferedImage image = ImageIO.read(dir.resolve("latency-cdf.png").toFile());

    assertThat(image.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }

  @Test
  void summaryRowCarriesEachColumnFormattedWithDotDecimalsWhateverTheDefaultLocale()
      throws IOException {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    String html;
    try {
      html = page(report("mixed", twoPolicies()));
    } finally {
      Locale.setDefault(before);
    }

    String row = rowOf(html, "least-requests");
    // completed, rejected, p50, p95, p99, max, p99 TTFT, mean queue wait, throughput, max/min util.
    assertThat(cellsOf(row))
        .containsExactly(
            "12,345", "7", "100.0", "400.0", "1234.6", "2500.0", "80.0", "12.5", "205.75",
            "90.0%", "30.0%");
  }

  @Test
  void failuresAddErrorRetryAndEjectionColumnsAndEachReplicasStateTimeline() throws IOException {
    PolicyResult ok = twoPolicies().get(0);
    PolicyResult failing =
        new PolicyResult(
            "peak-ewma", 12_000, 0, 3, 40, 2, ok.latencyMs(), ok.ttftMs(), ok.interTokenMs(), ok.queueWaitMs(),
            200, 60, ok.replicaShare(), ok.replicaUtilization(), ok.latencyCdf(), ok.series(), ok.byTier(),
            Map.of(
                "r-slow",
                List.of(
                    new StateChange(15, ReplicaState.READY, ReplicaState.EJECTED, "ejected for 5000 ms after 5 consecutive failures"),
                    new StateChange(20, ReplicaState.EJECTED, ReplicaState.READY, "ejection over"),
                    new StateChange(45, ReplicaState.READY, ReplicaState.DOWN, "probe failed"))));

    String html = page(report("mixed", List.of(ok, failing)));

    assertThat(html).contains("<th>Errors</th><th>Retries</th><th>Ejections</th>");
    assertThat(cellsOf(rowOf(html, "peak-ewma"))).startsWith("12,000", "0", "3", "40", "2", "100.0");
    assertThat(cellsOf(rowOf(html, "least-requests"))).startsWith("12,345", "7", "0", "0", "0", "100.0");
    assertThat(html).contains("<h2>Replica states</h2>");
    String bars = html.substring(html.indexOf("<h2>Replica states</h2>"));
    // A quarter of the run ready, 5 s ejected, 25 s ready, then down to the end.
    assertThat(bars)
        .contains(
            "width:25.000%;background:#C7E9C0\" title=\"READY 0.0\u201315.0 s\"",
            "width:8.333%;background:#FD8D3C\" title=\"EJECTED 15.0\u201320.0 s: ejected for 5000 ms after 5 consecutive failures\"",
            "width:25.000%;background:#A50F15\" title=\"DOWN 45.0\u201360.0 s: probe failed\"");
    assertThat(bars).doesNotContain(">r-fast</td>");
  }

  @Test
  void aRunWithoutFailuresHasNeitherFailureColumnsNorTimelines() throws IOException {
    String html = page(report("mixed", twoPolicies()));

    assertThat(html).doesNotContain("<th>Errors</th>", "Replica states");
  }

  @Test
  void showsPerTierTableWhenThereIsMoreThanOneTier() throws IOException {
    String html = page(report("mixed", twoPolicies()));

    assertThat(html).contains("<h2>By tier</h2>", ">interactive</td>", ">batch</td>");
  }

  @Test
  void omitsPerTierTableWithASingleTier() throws IOException {
    List<PolicyResult> oneTier =
        List.of(policy("least-requests", 12_345, Map.of("default", tier(12_345))));

    String html = page(report("mixed", oneTier));

    assertThat(html).doesNotContain("By tier", ">default</td>");
  }

  @Test
  void listsReplicasWithTheirSpeedFactors() throws IOException {
    String html = page(report("mixed", twoPolicies()));

    assertThat(html)
        .contains("<td class=\"text\">r-fast</td><td>\u00d71.0</td>")
        .contains("<td class=\"text\">r-slow</td><td>\u00d72.0</td>")
        .contains("<td class=\"text\">r-mid</td><td>\u00d71.25</td>");
  }

  @Test
  void emptyResultListStillWritesAPageSayingThereAreNoResults() throws IOException {
    Path index = HtmlReport.write(report("idle <fleet>", List.of()), dir);

    String html = Files.readString(index);
    assertThat(html).contains("No results", "idle &lt;fleet&gt;", "r-slow");
    assertThat(html).doesNotContain("data:image/png", "<h2>Policies</h2>");
    assertThat(dir.resolve("latency-cdf.png")).doesNotExist();
  }

  @Test
  void rerunWithoutResultsRemovesChartsOfAnEarlierRun() throws IOException {
    HtmlReport.write(report("mixed", twoPolicies()), dir);
    assertThat(dir.resolve("replica-share.png")).exists();

    HtmlReport.write(report("mixed", List.of()), dir);

    assertThat(dir.resolve("replica-share.png")).doesNotExist();
    assertThat(dir.resolve("load-over-time.png")).doesNotExist();
  }

  @Test
  void policyWithoutCompletionsStillGetsAllCharts() throws IOException {
    PolicyResult nothing =
        new PolicyResult(
            "drop-all", 0, 50, 0, 0, 0, Percentiles.EMPTY, Percentiles.EMPTY, Percentiles.EMPTY,
            Percentiles.EMPTY, 0, 0, new double[3], new double[3], List.of(),
            new TimeSeries(1.0, new long[0], new long[0], new double[0], new int[3][0]), Map.of(), Map.of());

    String html = page(report("mixed", List.of(nothing)));

    assertThat(countOf(html, "data:image/png;base64,")).isEqualTo(4);
    assertThat(ImageIO.read(dir.resolve("latency-cdf.png").toFile())).isNotNull();
  }

  @Test
  void policiesWithTheSameNameAreChartedAsSeparateSeries() throws IOException {
    List<PolicyResult> same = List.of(twoPolicies().get(0), twoPolicies().get(0));

    String html = page(report("mixed", same));

    XYDataset cdf = xy(Charts.latencyCdf(same, Html.distinct(List.of("least-requests", "least-requests"))));
    assertThat(cdf.getSeriesCount()).isEqualTo(2);
    assertThat(html).contains("least-requests (2)");
  }

  @Test
  void latencyCdfDropsNonPositiveLatenciesForTheLogAxis() {
    List<PolicyResult> results = twoPolicies();

    XYDataset cdf = xy(Charts.latencyCdf(results, names(results)));

    // least-requests has 5 CDF points, the first at 0 ms.
    assertThat(cdf.getItemCount(0)).isEqualTo(4);
    assertThat(cdf.getXValue(0, 0)).isEqualTo(50.0);
    assertThat(cdf.getYValue(0, 3)).isEqualTo(1.0);
  }

  @Test
  void latencyAxisTicksFallOnRoundValuesAcrossWideRanges() {
    LatencyAxis axis = new LatencyAxis("latency");
    axis.setRange(15, 6000);

    assertThat(tickValues(axis)).containsExactly(20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0);
  }

  @Test
  void latencyAxisTicksFallOnRoundValuesWithinOneDecade() {
    LatencyAxis axis = new LatencyAxis("latency");
    axis.setRange(140, 370);

    assertThat(tickValues(axis)).containsExactly(150.0, 200.0, 250.0, 300.0, 350.0);
    assertThat(axis.roundTicks(TextAnchor.TOP_CENTER).get(0).getText()).isEqualTo("150");
  }

  @Test
  void replicaChartLabelsReplicasWithSpeedAndShowsShareAndUtilisation() {
    SimulationReport r = report("mixed", twoPolicies());

    CombinedDomainCategoryPlot plot =
        (CombinedDomainCategoryPlot) Charts.replicaLoad(r, names(r.results())).getPlot();

    List<?> subplots = plot.getSubplots();
    assertThat(subplots).hasSize(2);
    CategoryDataset share = ((CategoryPlot) subplots.get(0)).getDataset();
    CategoryDataset utilisation = ((CategoryPlot) subplots.get(1)).getDataset();
    List<String> replicas = new ArrayList<>();
    for (int c = 0; c < share.getColumnCount(); c++) {
      replicas.add(share.getColumnKey(c).toString());
    }
    assertThat(replicas)
        .containsExactly("r-fast (speed \u00d71.0)", "r-slow (speed \u00d72.0)", "r-mid (speed \u00d71.25)");
    assertThat(share.getValue("p2c-peak-ewma", "r-slow (speed \u00d72.0)").doubleValue()).isEqualTo(0.2);
    assertThat(utilisation.getValue("least-requests", "r-slow (speed \u00d72.0)").doubleValue())
        .isEqualTo(0.9);
    // Policies are listed once in the legend, not once per subplot.
    assertThat(plot.getLegendItems().getItemCount()).isEqualTo(2);
  }

  @Test
  void loadChartPlotsArrivalRatePerSecondAndTotalInFlightPerPolicy() {
    List<PolicyResult> results = twoPolicies();

    XYPlot plot = (XYPlot) Charts.loadOverTime(results, names(results)).getPlot();

    XYDataset arrivals = plot.getDataset(0);
    assertThat(arrivals.getSeriesCount()).isEqualTo(1);
    assertThat(arrivals.getItemCount(0)).isEqualTo(10);
    // Bucket 2: 8 arrivals in 0.5 s, plotted at the bucket's middle.
    assertThat(arrivals.getXValue(0, 2)).isEqualTo(1.25);
    assertThat(arrivals.getYValue(0, 2)).isEqualTo(16.0);
    XYDataset inFlight = plot.getDataset(1);
    assertThat(inFlight.getSeriesCount()).isEqualTo(2);
    // Bucket 4 of least-requests: 1 + 5 + 2 in flight at its end.
    assertThat(inFlight.getXValue(0, 4)).isEqualTo(2.5);
    assertThat(inFlight.getYValue(0, 4)).isEqualTo(8.0);
    assertThat(plot.getRangeAxisForDataset(1)).isSameAs(plot.getRangeAxis(1)).isNotSameAs(plot.getRangeAxis(0));
  }

  @Test
  void latencyOverTimeSkipsBucketsWithNoCompletions() {
    List<PolicyResult> results = twoPolicies();

    XYDataset latency = xy(Charts.latencyOverTime(results, names(results)));

    assertThat(latency.getSeriesCount()).isEqualTo(2);
    assertThat(latency.getYValue(0, 2)).isEqualTo(130.0);
    // Bucket 3 completed nothing: its stored mean of 0 must not be drawn as a latency.
    assertThat(latency.getY(0, 3)).isNull();
  }

  // --- fixtures

  private String page(SimulationReport r) throws IOException {
    return Files.readString(HtmlReport.write(r, dir));
  }

  private static SimulationReport report(String scenario, List<PolicyResult> results) {
    return new SimulationReport(scenario, "two policies on a mixed fleet", 42L, ids(), speeds(), results);
  }

  private static List<String> ids() {
    return List.of("r-fast", "r-slow", "r-mid");
  }

  private static List<Double> speeds() {
    return List.of(1.0, 2.0, 1.25);
  }

  private static List<PolicyResult> twoPolicies() {
    Map<String, TierResult> tiers = new LinkedHashMap<>();
    tiers.put("interactive", tier(10_000));
    tiers.put("batch", tier(2_345));
    return List.of(
        new PolicyResult(
            "least-requests", 12_345, 7, 0, 0, 0,
            new Percentiles(12_345, 210, 100, 400, 1234.56, 2500),
            new Percentiles(12_345, 40, 30, 60, 80, 120),
            Percentiles.EMPTY,
            new Percentiles(12_345, 12.5, 5, 20, 50, 90),
            205.75, 60,
            new double[] {0.5, 0.2, 0.3}, new double[] {0.6, 0.9, 0.3},
            List.of(
                new double[] {0, 0.0}, new double[] {50, 0.2}, new double[] {100, 0.5},
                new double[] {400, 0.95}, new double[] {2500, 1.0}),
            series(new long[] {10, 12, 11, 0, 9, 14, 13, 12, 10, 8}, 0),
            tiers,
            Map.of()),
        new PolicyResult(
            "p2c-peak-ewma", 12_350, 2, 0, 0, 0,
            new Percentiles(12_350, 150, 90, 250, 600, 1500),
            new Percentiles(12_350, 30, 25, 50, 70, 100),
            Percentiles.EMPTY,
            new Percentiles(12_350, 8, 3, 15, 30, 60),
            205.8, 60,
            new double[] {0.55, 0.2, 0.25}, new double[] {0.65, 0.8, 0.35},
            List.of(
                new double[] {40, 0.1}, new double[] {90, 0.5}, new double[] {250, 0.95},
                new double[] {1500, 1.0}),
            series(new long[] {10, 12, 11, 9, 9, 14, 13, 12, 10, 8}, 20),
            tiers,
            Map.of()));
  }

  private static PolicyResult policy(String name, long completed, Map<String, TierResult> tiers) {
    return new PolicyResult(
        name, completed, 0, 0, 0, 0,
        new Percentiles(completed, 100, 80, 200, 300, 400), Percentiles.EMPTY, Percentiles.EMPTY,
        Percentiles.EMPTY, 100, 10, new double[] {0.4, 0.3, 0.3}, new double[] {0.5, 0.5, 0.5},
        List.of(new double[] {80, 0.5}, new double[] {400, 1.0}),
        series(new long[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 0), tiers, Map.of());
  }

  private static TierResult tier(long completed) {
    return new TierResult(
        completed, 1, 0, 0, new Percentiles(completed, 100, 90, 300, 700, 900),
        new Percentiles(completed, 20, 15, 40, 60, 80));
  }

  /** Ten half-second buckets; latency rises 10 ms a bucket from {@code 110 + offset}. */
  private static TimeSeries series(long[] completed, double offset) {
    long[] arrivals = {4, 6, 8, 10, 12, 12, 10, 8, 6, 4};
    double[] mean = new double[10];
    for (int b = 0; b < 10; b++) {
      mean[b] = completed[b] == 0 ? 0 : 110 + offset + 10 * b;
    }
    int[][] inFlight = {
      {0, 1, 2, 3, 1, 0, 1, 2, 1, 0},
      {1, 2, 4, 6, 5, 3, 2, 1, 0, 0},
      {0, 1, 1, 2, 2, 1, 1, 0, 0, 0}
    };
    return new TimeSeries(0.5, arrivals, completed, mean, inFlight);
  }

  private static List<String> names(List<PolicyResult> results) {
    return results.stream().map(PolicyResult::policy).toList();
  }

  private static XYDataset xy(JFreeChart chart) {
    return ((XYPlot) chart.getPlot()).getDataset();
  }

  private static List<Double> tickValues(LatencyAxis axis) {
    List<Double> values = new ArrayList<>();
    for (ValueTick tick : axis.roundTicks(TextAnchor.TOP_CENTER)) {
      values.add(tick.getValue());
    }
    return values;
  }

  private static int countOf(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static String rowOf(String html, String policy) {
    int name = html.indexOf("</span>" + policy + "</td>");
    assertThat(name).as("row for %s", policy).isNotNegative();
    return html.substring(name, html.indexOf("</tr>", name));
  }

  private static List<String> cellsOf(String row) {
    List<String> cells = new ArrayList<>();
    Matcher m = Pattern.compile("<td>([^<]*)</td>").matcher(row);
    while (m.find()) {
      cells.add(m.group(1));
    }
    return cells;
  }
}
