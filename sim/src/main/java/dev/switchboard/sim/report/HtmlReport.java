package dev.switchboard.sim.report;

import static dev.switchboard.sim.report.Html.escape;

import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.sim.metrics.PolicyResult.TierResult;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.metrics.StateChange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jfree.chart.JFreeChart;

/**
 * Writes a simulation report as one self-contained HTML page: the charts are embedded as data URIs
 * so the page can be mailed or attached to a ticket on its own, and also written as PNG files next
 * to it for slides and docs.
 */
public final class HtmlReport {
  static final String INDEX = "index.html";
  static final String LATENCY_CDF = "latency-cdf.png";
  static final String REPLICA_SHARE = "replica-share.png";
  static final String LOAD_OVER_TIME = "load-over-time.png";
  static final String LATENCY_OVER_TIME = "latency-over-time.png";
  private static final List<String> CHART_FILES =
      List.of(LATENCY_CDF, REPLICA_SHARE, LOAD_OVER_TIME, LATENCY_OVER_TIME);

  private static final String CSS =
      """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;\
      color:#222;margin:2rem auto;max-width:1000px;padding:0 1rem;line-height:1.45}
      h1{font-size:1.6rem;margin-bottom:.2rem}
      h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
      .description{font-size:1.05rem;color:#444;margin-top:0}
      .meta{color:#666}
      table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
      th,td{border:1px solid #ddd;padding:.3rem .55rem;text-align:right;white-space:nowrap}
      th{background:#f4f4f4}
      th:first-child,td:first-child,td.text{text-align:left}
      tbody tr:nth-child(even){background:#fafafa}
      .swatch{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:middle}
      .scroll{overflow-x:auto}
      figure{margin:1.5rem 0}
      figure img{max-width:100%;height:auto;border:1px solid #eee}
      figcaption{color:#555;font-size:.9rem;margin-top:.3rem}
      .empty{padding:1rem;background:#fff6e5;border:1px solid #f0d9a8}
      .timeline{display:flex;width:560px;height:1.1em;border:1px solid #ccc;background:#fff}
      .timeline span{display:block;height:100%}
      .axis{display:flex;justify-content:space-between;width:560px;color:#666;font-size:.8rem}
      td.bar{padding:.25rem .55rem}
      """;

  private HtmlReport() {}

  /**
   * Writes {@code dir/index.html} and the chart PNGs beside it, creating {@code dir} if needed.
   *
   * @return the path of {@code index.html}
   */
  public static Path write(SimulationReport report, Path dir) throws IOException {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(dir, "dir");
    Files.createDirectories(dir);
    List<Figure> figures = report.results().isEmpty() ? List.of() : figures(report);
    // A rerun into the same directory must not leave an earlier run's charts beside this page.
    for (String file : CHART_FILES) {
      Files.deleteIfExists(dir.resolve(file));
    }
    for (Figure figure : figures) {
      Files.write(dir.resolve(figure.file()), figure.png());
    }
    Path index = dir.resolve(INDEX);
    Files.writeString(index, page(report, figures), StandardCharsets.UTF_8);
    return index;
  }

  /** One rendered chart with the words the page puts around it. */
  private record Figure(String file, String alt, String caption, int height, byte[] png) {}

  private static List<Figure> figures(SimulationReport report) throws IOException {
    List<PolicyResult> results = report.results();
    List<String> names = policyNames(results);
    return List.of(
        figure(
            LATENCY_CDF,
            "Latency CDF per policy",
            "Fraction of requests completed within a given end-to-end latency, per policy; further"
                + " left and steeper is better, and the top of each curve is the tail.",
            Charts.latencyCdf(results, names),
            Charts.HEIGHT),
        figure(
            REPLICA_SHARE,
            "Per-replica load share and utilisation",
            "Top: share of requests each policy sent to each replica; bottom: fraction of time each"
                + " replica was busy under that policy.",
            Charts.replicaLoad(report, names),
            Charts.TALL_HEIGHT),
        figure(
            LOAD_OVER_TIME,
            "Load over time",
            "Offered load in arrivals per second (dashed, left axis; the same for every policy) and"
                + " requests in flight across all replicas per policy (right axis).",
            Charts.loadOverTime(results, names),
            Charts.HEIGHT),
        figure(
            LATENCY_OVER_TIME,
            "Mean latency over time",
            "Mean end-to-end latency of the requests completed in each time bucket, per policy;"
                + " gaps are buckets in which nothing completed.",
            Charts.latencyOverTime(results, names),
            Charts.HEIGHT));
  }

  private static Figure figure(String file, String alt, String caption, JFreeChart chart, int height)
      throws IOException {
    return new Figure(file, alt, caption, height, Charts.png(chart, Charts.WIDTH, height));
  }

  private static List<String> policyNames(List<PolicyResult> results) {
    List<String> raw = new ArrayList<>(results.size());
    for (PolicyResult r : results) {
      raw.add(r.policy());
    }
    return Html.distinct(raw);
  }

  private static String page(SimulationReport report, List<Figure> figures) {
    StringBuilder h = new StringBuilder(64 * 1024);
    String scenario = escape(report.scenario());
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Simulation report: ").append(scenario).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>Simulation report: ").append(scenario).append("</h1>\n");
    if (report.description() != null && !report.description().isBlank()) {
      h.append("<p class=\"description\">").append(escape(report.description())).append("</p>\n");
    }
    h.append("<p class=\"meta\">Seed <code>").append(report.seed())
        .append("</code> &middot; ").append(report.replicaIds().size())
        .append(report.replicaIds().size() == 1 ? " replica" : " replicas")
        .append(" &middot; ").append(report.results().size())
        .append(report.results().size() == 1 ? " policy" : " policies")
        .append(" &middot; the same seed reproduces this report exactly.</p>\n");

    if (report.results().isEmpty()) {
      h.append("<p class=\"empty\">No results: this run produced no policy results,"
          + " so there is nothing to compare or chart.</p>\n");
      replicas(h, report);
    } else {
      List<String> names = policyNames(report.results());
      boolean failures = hasFailures(report.results());
      summary(h, report.results(), names, failures);
      tiers(h, report.results(), names, failures);
      replicas(h, report);
      states(h, report, names);
      h.append("<h2>Charts</h2>\n");
      for (Figure f : figures) {
        h.append("<figure id=\"").append(escape(f.file().replace(".png", ""))).append("\">\n")
            .append("<img width=\"").append(Charts.WIDTH).append("\" height=\"").append(f.height())
            .append("\" alt=\"").append(escape(f.alt()))
            .append("\" src=\"data:image/png;base64,")
            .append(Base64.getEncoder().encodeToString(f.png())).append("\">\n")
            .append("<figcaption>").append(escape(f.caption())).append(" (<a href=\"")
            .append(escape(f.file())).append("\">").append(escape(f.file())).append("</a>)")
            .append("</figcaption>\n</figure>\n");
      }
    }
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** Whether any policy saw a failed try: only then do the failure columns appear, as in the table. */
  private static boolean hasFailures(List<PolicyResult> results) {
    for (PolicyResult r : results) {
      if (r.errors() > 0 || r.retries() > 0 || r.ejections() > 0) {
        return true;
      }
    }
    return false;
  }

  private static void summary(
      StringBuilder h, List<PolicyResult> results, List<String> names, boolean failures) {
    h.append("<h2>Policies</h2>\n<div class=\"scroll\"><table>\n<thead><tr>")
        .append("<th>Policy</th><th>Completed</th><th>Rejected</th>");
    if (failures) {
      h.append("<th>Errors</th><th>Retries</th><th>Ejections</th>");
    }
    h.append("<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th>")
        .append("<th>p99 TTFT ms</th><th>mean queue wait ms</th><th>throughput req/s</th>")
        .append("<th>max replica util.</th><th>min replica util.</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (int p = 0; p < results.size(); p++) {
      PolicyResult r = results.get(p);
      h.append("<tr>");
      policyCell(h, p, names.get(p));
      cells(h, Html.count(r.completed()), Html.count(r.rejected()));
      if (failures) {
        cells(h, Html.count(r.errors()), Html.count(r.retries()), Html.count(r.ejections()));
      }
      cells(h,
          Html.ms(r.latencyMs().p50()), Html.ms(r.latencyMs().p95()),
          Html.ms(r.latencyMs().p99()), Html.ms(r.latencyMs().max()),
          Html.ms(r.ttftMs().p99()), Html.ms(r.queueWaitMs().mean()),
          Html.rate(r.throughputPerSecond()),
          Html.percent(r.maxUtilization()), Html.percent(r.minUtilization()));
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table></div>\n");
  }

  /** Per-tier rows, shown only when some policy saw more than one tier: one tier repeats the summary. */
  private static void tiers(
      StringBuilder h, List<PolicyResult> results, List<String> names, boolean failures) {
    Set<String> tiers = new LinkedHashSet<>();
    for (PolicyResult r : results) {
      if (r.byTier() != null) {
        tiers.addAll(r.byTier().keySet());
      }
    }
    if (tiers.size() <= 1) {
      return;
    }
    h.append("<h2>By tier</h2>\n<div class=\"scroll\"><table>\n<thead><tr>")
        .append("<th>Policy</th><th>Tier</th><th>Completed</th><th>Rejected</th>")
        .append(failures ? "<th>Errors</th>" : "")
        .append("<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>p99 TTFT ms</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (int p = 0; p < results.size(); p++) {
      Map<String, TierResult> byTier = results.get(p).byTier() == null ? Map.of() : results.get(p).byTier();
      for (String tier : tiers) {
        TierResult t = byTier.get(tier);
        if (t == null) {
          continue;
        }
        h.append("<tr>");
        policyCell(h, p, names.get(p));
        h.append("<td class=\"text\">").append(escape(tier)).append("</td>");
        cells(h, Html.count(t.completed()), Html.count(t.rejected()));
        if (failures) {
          cells(h, Html.count(t.errors()));
        }
        cells(h,
            Html.ms(t.latencyMs().p50()), Html.ms(t.latencyMs().p95()),
            Html.ms(t.latencyMs().p99()), Html.ms(t.latencyMs().max()),
            Html.ms(t.ttftMs().p99()));
        h.append("</tr>\n");
      }
    }
    h.append("</tbody>\n</table></div>\n");
  }

  private static void replicas(StringBuilder h, SimulationReport report) {
    h.append("<h2>Replicas</h2>\n");
    if (report.replicaIds().isEmpty()) {
      h.append("<p>No replicas.</p>\n");
      return;
    }
    h.append("<table>\n<thead><tr><th>#</th><th>Replica</th>")
        .append("<th>Speed factor (1.0 nominal, 2.0 half as fast)</th></tr></thead>\n<tbody>\n");
    List<String> ids = report.replicaIds();
    List<Double> speeds = report.replicaSpeeds();
    for (int i = 0; i < ids.size(); i++) {
      Double speed = speeds != null && i < speeds.size() ? speeds.get(i) : null;
      h.append("<tr><td>").append(i).append("</td><td class=\"text\">").append(escape(ids.get(i)))
          .append("</td><td>").append(speed == null ? "" : "\u00d7" + Html.speed(speed))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  /**
   * Each replica that changed state, under each policy, as a bar along the run: pale green while ready,
   * orange while ejected, dark red while down. Shown only when some replica changed state.
   */
  private static void states(StringBuilder h, SimulationReport report, List<String> names) {
    List<String> changed = new ArrayList<>();
    double end = 0;
    for (PolicyResult r : report.results()) {
      end = Math.max(end, r.durationSeconds());
      for (String id : r.stateChanges().keySet()) {
        if (!changed.contains(id)) {
          changed.add(id);
        }
      }
    }
    if (changed.isEmpty() || !(end > 0)) {
      return;
    }
    // In the scenario's replica order.
    List<String> order = new ArrayList<>(report.replicaIds());
    order.retainAll(changed);
    for (String id : changed) {
      if (!order.contains(id)) {
        order.add(id);
      }
    }
    h.append("<h2>Replica states</h2>\n<p>Over the run (0 to ")
        .append(Html.ms(end)).append(" s); hover over a stretch for its times and reason. ");
    for (ReplicaState s : ReplicaState.values()) {
      h.append("<span class=\"swatch\" style=\"background:").append(stateColour(s)).append("\"></span>")
          .append(escape(s.name())).append(' ');
    }
    h.append("</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Replica</th><th>Policy</th>")
        .append("<th>State over time</th></tr></thead>\n<tbody>\n");
    for (String id : order) {
      for (int p = 0; p < report.results().size(); p++) {
        List<StateChange> changes = report.results().get(p).stateChanges().getOrDefault(id, List.of());
        h.append("<tr><td class=\"text\">").append(escape(id)).append("</td>");
        policyCell(h, p, names.get(p));
        h.append("<td class=\"bar\">");
        timeline(h, changes, end);
        h.append("</td></tr>\n");
      }
    }
    h.append("</tbody>\n</table></div>\n");
  }

  /** One replica's states from 0 to {@code end} seconds, as stretches of colour. */
  private static void timeline(StringBuilder h, List<StateChange> changes, double end) {
    h.append("<div class=\"timeline\">");
    double from = 0;
    ReplicaState state = changes.isEmpty() ? ReplicaState.READY : changes.get(0).from();
    String why = "";
    for (StateChange c : changes) {
      double at = Math.min(end, Math.max(from, c.atSeconds()));
      stretch(h, state, from, at, end, why);
      from = at;
      state = c.to();
      why = c.reason();
    }
    stretch(h, state, from, end, end, why);
    h.append("</div>\n<div class=\"axis\"><span>0 s</span><span>")
        .append(Html.ms(end)).append(" s</span></div>");
  }

  private static void stretch(StringBuilder h, ReplicaState state, double from, double to, double end, String why) {
    if (!(to > from)) {
      return;
    }
    h.append("<span style=\"width:")
        .append(String.format(Locale.ROOT, "%.3f", (to - from) / end * 100))
        .append("%;background:").append(stateColour(state)).append("\" title=\"")
        .append(escape(state.name() + " " + Html.ms(from) + "–" + Html.ms(to) + " s"
            + (why.isEmpty() ? "" : ": " + why)))
        .append("\"></span>");
  }

  /** Pale for the states a replica should be in, strong for trouble; apart from the policies' colours. */
  private static String stateColour(ReplicaState state) {
    return switch (state) {
      case READY -> "#C7E9C0";
      case STARTING -> "#DEEBF7";
      case DRAINING -> "#D9D9D9";
      case EJECTED -> "#FD8D3C";
      case DOWN -> "#A50F15";
    };
  }

  /** The policy's name with a swatch of its chart colour, so table rows and chart lines match up. */
  private static void policyCell(StringBuilder h, int index, String name) {
    h.append("<td class=\"text\"><span class=\"swatch\" style=\"background:#")
        .append(String.format(Locale.ROOT, "%06X", Charts.colour(index).getRGB() & 0xFFFFFF))
        .append("\"></span>").append(escape(name)).append("</td>");
  }

  private static void cells(StringBuilder h, String... values) {
    for (String v : values) {
      h.append("<td>").append(escape(v)).append("</td>");
    }
  }
}
