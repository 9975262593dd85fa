package dev.switchboard.sim.report;

import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.metrics.TimeSeries;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.AbstractRenderer;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's four charts, built from results; policy {@code i} has the same colour in all of them. */
final class Charts {
  // First in the class so it runs before any AWT class below is initialised.
  static {
    // Rendering to an image needs no display; without this a desktop JVM would open a window
    // session (a Dock icon on macOS) and a server without DISPLAY could fail. Respect an explicit choice.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static final int WIDTH = 900;
  static final int HEIGHT = 450;
  /** The replica chart stacks share over utilisation, so it needs more height to stay legible. */
  static final int TALL_HEIGHT = 640;

  // Tableau 10: distinguishable on white, unlike JFreeChart's default yellow and cyan.
  private static final Color[] PALETTE = {
    new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
    new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
    new Color(0x9C755F), new Color(0xBAB0AC)
  };
  private static final Color ARRIVALS = new Color(0x555555);
  private static final Color GRID = new Color(0xDDDDDD);
  private static final BasicStroke LINE = new BasicStroke(2f);

  private static final StandardChartTheme THEME = theme();

  private Charts() {}

  static Color colour(int policyIndex) {
    return PALETTE[policyIndex % PALETTE.length];
  }

  /** End-to-end latency CDF per policy on a log latency axis. */
  static JFreeChart latencyCdf(List<PolicyResult> results, List<String> names) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int p = 0; p < results.size(); p++) {
      XYSeries series = new XYSeries(names.get(p), false, true);
      for (double[] point : results.get(p).latencyCdf()) {
        // A log axis cannot place zero or negative latencies; they carry no shape information anyway.
        if (point.length >= 2 && point[0] > 0 && Double.isFinite(point[0]) && Double.isFinite(point[1])) {
          series.add(point[0], point[1]);
        }
      }
      data.addSeries(series);
    }
    LatencyAxis latency = new LatencyAxis("end-to-end latency (ms, log scale)");
    NumberAxis fraction = new NumberAxis("cumulative fraction of requests");
    fraction.setRange(0.0, 1.0);
    fraction.setTickUnit(new NumberTickUnit(0.1));
    fraction.setNumberFormatOverride(new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    JFreeChart chart = themed(new JFreeChart("Latency CDF", new XYPlot(data, latency, fraction, lines)));
    byPolicy(lines, results.size());
    return chart;
  }

  /** Share of requests and utilisation per replica, one bar per policy, share stacked over utilisation. */
  static JFreeChart replicaLoad(SimulationReport report, List<String> names) {
    List<String> replicas = Html.distinct(replicaLabels(report));
    DefaultCategoryDataset share = new DefaultCategoryDataset();
    DefaultCategoryDataset utilisation = new DefaultCategoryDataset();
    double maxUtilisation = 0;
    List<PolicyResult> results = report.results();
    for (int p = 0; p < results.size(); p++) {
      PolicyResult r = results.get(p);
      for (int i = 0; i < replicas.size(); i++) {
        share.addValue(valueAt(r.replicaShare(), i), names.get(p), replicas.get(i));
        double u = valueAt(r.replicaUtilization(), i);
        utilisation.addValue(u, names.get(p), replicas.get(i));
        maxUtilisation = Math.max(maxUtilisation, u);
      }
    }
    CategoryAxis replicaAxis = new CategoryAxis("replica (speed factor: 1.0 nominal, 2.0 half as fast)");
    // Narrow margins leave room for "id (speed ×S)" on one line for a handful of replicas.
    replicaAxis.setLowerMargin(0.02);
    replicaAxis.setUpperMargin(0.02);
    replicaAxis.setCategoryMargin(0.15);
    replicaAxis.setMaximumCategoryLabelLines(2);
    if (replicas.size() > 6) {
      replicaAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(replicaAxis);
    plot.setGap(14);
    BarRenderer shareBars = bars();
    BarRenderer utilisationBars = bars();
    // Both subplots show the same policies; list them once.
    utilisationBars.setDefaultSeriesVisibleInLegend(false);
    // Shares shrink as replicas are added, so their axis fits the data rather than running to 100%.
    plot.add(new CategoryPlot(share, null, percentAxis("share of requests"), shareBars), 1);
    NumberAxis utilisationAxis = percentAxis("utilisation");
    // Utilisation is read against "fully busy"; a batching replica may report slightly above it.
    utilisationAxis.setRange(0.0, Math.max(1.0, maxUtilisation));
    plot.add(new CategoryPlot(utilisation, null, utilisationAxis, utilisationBars), 1);
    JFreeChart chart = themed(new JFreeChart("Per-replica load share and utilisation", plot));
    byPolicy(shareBars, results.size());
    byPolicy(utilisationBars, results.size());
    return chart;
  }

  /** Arrival rate (same for every policy) and total requests in flight per policy over time. */
  static JFreeChart loadOverTime(List<PolicyResult> results, List<String> names) {
    XYSeriesCollection arrivals = new XYSeriesCollection();
    XYSeries rate = new XYSeries("arrivals / s", false, true);
    if (!results.isEmpty()) {
      TimeSeries first = results.get(0).series();
      double width = first.bucketSeconds();
      for (int b = 0; b < first.buckets(); b++) {
        // A rate over the bucket belongs at its middle.
        rate.add((b + 0.5) * width, first.arrivals()[b] / width);
      }
    }
    arrivals.addSeries(rate);

    XYSeriesCollection inFlight = new XYSeriesCollection();
    for (int p = 0; p < results.size(); p++) {
      TimeSeries s = results.get(p).series();
      XYSeries series = new XYSeries("in flight: " + names.get(p), false, true);
      for (int b = 0; b < s.buckets(); b++) {
        long total = 0;
        for (int[] replica : s.inFlight()) {
          total += b < replica.length ? replica[b] : 0;
        }
        // In-flight is sampled at the end of the bucket.
        series.add((b + 1) * s.bucketSeconds(), total);
      }
      inFlight.addSeries(series);
    }

    NumberAxis rateAxis = new NumberAxis("arrivals per second");
    XYLineAndShapeRenderer rateLine = new XYLineAndShapeRenderer(true, false);
    XYLineAndShapeRenderer inFlightLines = new XYLineAndShapeRenderer(true, false);
    XYPlot plot = new XYPlot(arrivals, timeAxis(), rateAxis, rateLine);
    plot.setRangeAxis(1, new NumberAxis("requests in flight (all replicas)"));
    plot.setRangeAxisLocation(1, AxisLocation.BOTTOM_OR_RIGHT);
    plot.setDataset(1, inFlight);
    plot.setRenderer(1, inFlightLines);
    plot.mapDatasetToRangeAxis(1, 1);
    JFreeChart chart = themed(new JFreeChart("Load over time", plot));
    // Dashed grey so the offered load reads as the backdrop, not as another policy.
    rateLine.setSeriesPaint(0, ARRIVALS);
    rateLine.setSeriesStroke(
        0, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
    byPolicy(inFlightLines, results.size());
    return chart;
  }

  /** Mean end-to-end latency of the requests completed in each bucket, per policy. */
  static JFreeChart latencyOverTime(List<PolicyResult> results, List<String> names) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int p = 0; p < results.size(); p++) {
      TimeSeries s = results.get(p).series();
      XYSeries series = new XYSeries(names.get(p), false, true);
      for (int b = 0; b < s.buckets(); b++) {
        double x = (b + 0.5) * s.bucketSeconds();
        // A bucket with no completions has no mean; a null breaks the line instead of drawing a 0.
        series.add(x, s.completed()[b] == 0 ? null : Double.valueOf(s.meanLatencyMs()[b]));
      }
      data.addSeries(series);
    }
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    XYPlot plot = new XYPlot(data, timeAxis(), new NumberAxis("mean latency (ms)"), lines);
    JFreeChart chart = themed(new JFreeChart("Mean latency over time", plot));
    byPolicy(lines, results.size());
    return chart;
  }

  static byte[] png(JFreeChart chart, int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    ChartUtils.writeChartAsPNG(out, chart, width, height);
    return out.toByteArray();
  }

  static List<String> replicaLabels(SimulationReport report) {
    List<String> ids = report.replicaIds();
    List<Double> speeds = report.replicaSpeeds();
    return IntStream.range(0, ids.size())
        .mapToObj(
            i ->
                speeds != null && i < speeds.size() && speeds.get(i) != null
                    ? ids.get(i) + " (speed \u00d7" + Html.speed(speeds.get(i)) + ")"
                    : ids.get(i))
        .toList();
  }

  private static BarRenderer bars() {
    BarRenderer renderer = new BarRenderer();
    renderer.setItemMargin(0.05);
    return renderer;
  }

  private static NumberAxis percentAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(true);
    axis.setNumberFormatOverride(NumberFormat.getPercentInstance(Locale.ROOT));
    return axis;
  }

  /**
   * Gives policy {@code p} its colour and a thick line. Called after the theme, which clears series
   * paints and strokes.
   */
  private static void byPolicy(AbstractRenderer renderer, int policies) {
    for (int p = 0; p < policies; p++) {
      renderer.setSeriesPaint(p, colour(p));
      renderer.setSeriesStroke(p, LINE);
    }
  }

  private static NumberAxis timeAxis() {
    NumberAxis axis = new NumberAxis("time (s)");
    axis.setAutoRangeIncludesZero(true);
    return axis;
  }

  private static double valueAt(double[] values, int i) {
    return values != null && i < values.length ? values[i] : 0.0;
  }

  /** Applies fonts, backgrounds and flat bars; series styling must come after, as the theme resets it. */
  private static JFreeChart themed(JFreeChart chart) {
    THEME.apply(chart);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setFrame(BlockBorder.NONE);
    }
    return chart;
  }

  private static StandardChartTheme theme() {
    StandardChartTheme theme = new StandardChartTheme("switchboard");
    theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    theme.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setLegendBackgroundPaint(Color.WHITE);
    theme.setDomainGridlinePaint(GRID);
    theme.setRangeGridlinePaint(GRID);
    theme.setPlotOutlinePaint(Color.GRAY);
    theme.setBarPainter(new StandardBarPainter());
    theme.setXYBarPainter(new StandardXYBarPainter());
    theme.setShadowVisible(false);
    theme.setDrawingSupplier(
        new DefaultDrawingSupplier(
            PALETTE.clone(),
            new Paint[] {Color.WHITE},
            DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE,
            DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
            DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE,
            DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));
    return theme;
  }
}
