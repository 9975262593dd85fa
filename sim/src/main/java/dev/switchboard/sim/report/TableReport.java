package dev.switchboard.sim.report;

import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.SimulationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side table {@code simulate} prints. The failure columns (errors, retries, ejections)
 * appear when some policy has any, so that a run without faults reads as it always has. A time nothing was recorded for (a policy
 * that completed nothing) shows as {@code -}.
 */
public final class TableReport {
  private static final String[] HEADER = {
    "policy", "completed", "rejected", "p50 ms", "p95 ms", "p99 ms", "p99 TTFT ms", "queue wait ms",
    "util max", "util min", "p99 / best"
  };
  private static final String[] FAILURE_HEADER = {"errors", "retries", "ejections"};
  /** The failure columns go after this one. */
  private static final int FAILURES_AFTER = 2;

  private TableReport() {}

  public static String render(SimulationReport report) {
    double bestP99 = Double.POSITIVE_INFINITY;
    for (PolicyResult r : report.results()) {
      if (r.completed() > 0) {
        bestP99 = Math.min(bestP99, r.latencyMs().p99());
      }
    }
    boolean failures = false;
    for (PolicyResult r : report.results()) {
      failures |= r.errors() > 0 || r.retries() > 0 || r.ejections() > 0;
    }
    String[][] rows = new String[report.results().size() + 1][];
    rows[0] = failures ? withFailures(HEADER, FAILURE_HEADER) : HEADER;
    for (int i = 0; i < report.results().size(); i++) {
      PolicyResult r = report.results().get(i);
      String[] row =
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
      rows[i + 1] =
          failures
              ? withFailures(
                  row,
                  new String[] {Long.toString(r.errors()), Long.toString(r.retries()), Long.toString(r.ejections())})
              : row;
    }
    int[] width = new int[rows[0].length];
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

  private static String[] withFailures(String[] row, String[] failures) {
    List<String> out = new ArrayList<>(List.of(row));
    out.addAll(FAILURES_AFTER + 1, List.of(failures));
    return out.toArray(String[]::new);
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
