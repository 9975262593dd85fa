package dev.switchboard.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table {@code loadgen} prints: one row per tier and one for all traffic, then the rates. */
public final class LoadgenTable {
  private static final String[] HEADER = {
    "tier", "sent", "ok", "errors", "dropped", "ttft p50", "ttft p95", "ttft p99", "e2e p50",
    "e2e p95", "e2e p99", "tok/s"
  };

  private LoadgenTable() {}

  public static String render(LoadgenResult r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    r.byTier().forEach((name, t) -> rows.add(row(name, t)));
    rows.add(row("all", r.overall()));
    int[] width = new int[HEADER.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      for (int c = 0; c < row.length; c++) {
        String pad = " ".repeat(width[c] - row[c].length());
        // Text columns (tier, errors) align left, numbers right.
        out.append(c == 0 ? "" : "  ").append(c == 0 || c == 3 ? row[c] + pad : pad + row[c]);
      }
      out.append('\n');
      if (i == 0 || i == rows.size() - 2) {
        out.append("-".repeat(totalWidth(width))).append('\n');
      }
    }
    out.append("times in ms from each request's scheduled send time, over its ok requests\n");
    out.append(
        String.format(
            Locale.ROOT,
            "offered %s req/s, achieved %s req/s over %.2f s (last answer at %.2f s)%n",
            rate(r.offeredRate()),
            rate(r.achievedRate()),
            r.durationSeconds(),
            r.elapsedSeconds()));
    if (!r.sendLatenessMs().isEmpty()) {
      // In microseconds: the generator's error should be far below the latencies it reports.
      out.append(
          String.format(
              Locale.ROOT,
              "sent late by p50 %.0f µs, p99 %.0f µs, max %.0f µs after the schedule%n",
              r.sendLatenessMs().p50() * 1000,
              r.sendLatenessMs().p99() * 1000,
              r.sendLatenessMs().max() * 1000));
    }
    return out.toString();
  }

  private static String[] row(String name, TierResult t) {
    return new String[] {
      name,
      Long.toString(t.sent()),
      Long.toString(t.ok()),
      errors(t.errors()),
      Long.toString(t.droppedByLoadgen()),
      ms(t.ttftMs().p50()),
      ms(t.ttftMs().p95()),
      ms(t.ttftMs().p99()),
      ms(t.latencyMs().p50()),
      ms(t.latencyMs().p95()),
      ms(t.latencyMs().p99()),
      rate(t.tokensPerSecond())
    };
  }

  private static String errors(Map<String, Long> errors) {
    if (errors.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    errors.forEach((kind, n) -> sb.append(sb.length() == 0 ? "" : " ").append(kind).append(':').append(n));
    return sb.toString();
  }

  private static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String rate(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static int totalWidth(int[] width) {
    int total = 0;
    for (int w : width) {
      total += w + 2;
    }
    return total - 2;
  }
}
