package dev.switchboard.sim.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Escaping and number formatting for the report; always {@link Locale#ROOT} so pages diff cleanly. */
final class Html {
  private Html() {}

  /** Text safe inside element content and quoted attribute values. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Milliseconds to one decimal: enough to tell policies apart without false precision. NaN, a time
   * nothing was recorded for, is {@code -}.
   */
  static String ms(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String rate(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** A fraction 0..1 as a percentage. */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /** A speed factor as written in scenarios: 1.0, 2.0, 1.25. */
  static String speed(double factor) {
    return new DecimalFormat("0.0##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(factor);
  }

  /**
   * Names made distinct by suffixing repeats ({@code p}, {@code p (2)}), because chart datasets key
   * series by name and would otherwise merge or reject two results of the same policy.
   */
  static List<String> distinct(List<String> names) {
    Set<String> seen = new HashSet<>();
    List<String> out = new ArrayList<>(names.size());
    for (String name : names) {
      String base = name == null ? "" : name;
      String candidate = base;
      for (int n = 2; !seen.add(candidate); n++) {
        candidate = base + " (" + n + ")";
      }
      out.add(candidate);
    }
    return out;
  }
}
