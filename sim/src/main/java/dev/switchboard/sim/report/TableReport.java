package dev.switchboard.sim.report;

import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.SimulationReport;
import java.util.Locale;

/**
 * The side-by-side table {@code simulate} prints. A time nothing was recorded for (a policy that
 * completed nothing) shows as {@code -}.
 */
public final class TableReport {
  private static final String[] HEADER = {
    "policy", "completed", "rejected", "p50 ms", "p95 ms", "p99 ms", "p99 TTFT ms", "queue wait ms",
    "util max", "util min", "p99 / best"
  };

  private TableReport() {}

  public static String render(SimulationReport report) {
    double bestP99 = Double.POSITIVE_INFINITY;
    for (PolicyResult r : report.results()) {
      if (r.completed() > 0) {
        bestP99 = Math.min(bestP99, r.latencyMs().p99());
      }
    }
    String[][] rows = new String[report.results().size() + 1][];
    rows[0] = HEADER;
    for (int i = 0; i < report.results().size(); i++) {
      PolicyResult r = report.results().get(i);
      rows[i + 1] =
          new String[] {
            r.policy(),
            Long.toString(r.completed()),
            Long.toString(r.rejected()),
            num(r.latencyMs().p50()),
            num(r.latencyMs().p95()),
            num(r.latencyMs().p99()),
            num(r.ttftMs().p99()),
            num(r.queueWaitMs().mean()),
            pct(r.maxUtilization()),
            pct(r.minUtilization()),
            bestP99 > 0 && Double.isFinite(bestP99) && !r.latencyMs().isEmpty()
                ? String.format(Locale.ROOT, "%.2fx", r.latencyMs().p99() / bestP99)
                : "-"
          };
    }
    int[] width = new int[HEADER.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("scenario ").append(report.scenario()).append(", seed ").append(report.seed()).append('\n');
    for (int i = 0; i < rows.length; i++) {
      for (int c = 0; c < rows[i].length; c++) {
        String cell = rows[i][c];
        if (c == 0) {
          out.append(cell).append(" ".repeat(width[c] - cell.length()));
        } else {
          out.append("  ").append(" ".repeat(width[c] - cell.length())).append(cell);
        }
      }
      out.append('\n');
      if (i == 0) {
        int total = 0;
        for (int w : width) {
          total += w + 2;
        }
        out.append("-".repeat(total - 2)).append('\n');
      }
    }
    return out.toString();
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.0f%%", v * 100);
  }
}
