package dev.switchboard.gateway.health;

import dev.switchboard.core.replica.LoadReport;
import java.util.Optional;

/**
 * Reads the load figures the {@code llm-aware} balancer needs out of a vLLM {@code /metrics} page
 * (Prometheus text format): {@code vllm:num_requests_waiting} and {@code vllm:num_requests_running}
 * summed over their label sets (one per model served), and the largest {@code
 * vllm:kv_cache_usage_perc} (or its older name {@code vllm:gpu_cache_usage_perc}), a fraction.
 *
 * <p>Everything else is skipped: comments, other metrics, lines that do not parse, NaN and
 * infinite samples. Label values may hold any character, escaped quotes included. Pure.
 */
public final class VllmMetricsParser {
  static final String WAITING = "vllm:num_requests_waiting";
  static final String RUNNING = "vllm:num_requests_running";
  static final String KV_CACHE = "vllm:kv_cache_usage_perc";
  static final String GPU_CACHE = "vllm:gpu_cache_usage_perc";
  private static final String[] WANTED = {WAITING, RUNNING, KV_CACHE, GPU_CACHE};

  private VllmMetricsParser() {}

  /**
   * @param text a {@code /metrics} response body
   * @param atNanos when it was read, for the report's timestamp
   * @return the load report, or empty if the page has none of the vLLM metrics (not a vLLM
   *     server, or one too old), so that such a replica does not look freshly idle
   */
  public static Optional<LoadReport> parse(String text, long atNanos) {
    Totals totals = new Totals();
    int length = text.length();
    int start = 0;
    while (start < length) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = length;
      }
      parseLine(text, start, end, totals);
      start = end + 1;
    }
    return totals.report(atNanos);
  }

  private static void parseLine(String text, int from, int to, Totals totals) {
    int i = skipBlanks(text, from, to);
    // Every metric we want starts with "vllm:"; this also skips comments and blank lines cheaply.
    if (!text.startsWith("vllm:", i)) {
      return;
    }
    int nameEnd = i;
    while (nameEnd < to && isNameChar(text.charAt(nameEnd))) {
      nameEnd++;
    }
    String name = wanted(text, i, nameEnd);
    if (name == null) {
      return;
    }
    int j = nameEnd;
    if (j < to && text.charAt(j) == '{') {
      j = skipLabels(text, j + 1, to);
      if (j < 0) {
        return;
      }
    } else if (j < to && !isBlank(text.charAt(j))) {
      return;
    }
    int valueStart = skipBlanks(text, j, to);
    int valueEnd = valueStart;
    while (valueEnd < to && !isBlank(text.charAt(valueEnd))) {
      valueEnd++;
    }
    if (valueStart == valueEnd) {
      return;
    }
    double value = parseValue(text.substring(valueStart, valueEnd));
    if (Double.isFinite(value)) {
      totals.add(name, value);
    }
  }

  private static String wanted(String text, int from, int to) {
    int length = to - from;
    for (String name : WANTED) {
      if (name.length() == length && text.startsWith(name, from)) {
        return name;
      }
    }
    return null;
  }

  /** Index just past the closing brace, or -1 if the label set never closes. */
  private static int skipLabels(String text, int from, int to) {
    boolean quoted = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++; // the escaped character, whatever it is, cannot end the value
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '}') {
        return i + 1;
      }
    }
    return -1;
  }

  /** A sample value as Prometheus writes it (Go float syntax), NaN if it is not one. */
  private static double parseValue(String token) {
    return switch (token) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(token);
        } catch (NumberFormatException e) {
          yield Double.NaN;
        }
      }
    };
  }

  private static int skipBlanks(String text, int from, int to) {
    int i = from;
    while (i < to && isBlank(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == ':';
  }

  /** What one page adds up to. */
  private static final class Totals {
    private double waiting;
    private double running;
    private double kvCache = Double.NaN;
    private boolean seen;

    void add(String name, double value) {
      if (value < 0) {
        return; // not a count nor a fraction: a broken exporter, not a signal
      }
      seen = true;
      switch (name) {
        case WAITING -> waiting += value;
        case RUNNING -> running += value;
        default -> kvCache = Double.isNaN(kvCache) ? value : Math.max(kvCache, value);
      }
    }

    Optional<LoadReport> report(long atNanos) {
      if (!seen) {
        return Optional.empty();
      }
      double kv = Double.isNaN(kvCache) ? 0.0 : Math.min(kvCache, 1.0);
      return Optional.of(new LoadReport(count(waiting), count(running), kv, atNanos));
    }

    private static int count(double sum) {
      return (int) Math.min(Math.round(sum), Integer.MAX_VALUE);
    }
  }
}
