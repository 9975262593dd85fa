package dev.switchboard.sim.trace;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the Azure LLM inference trace CSV: a header {@code TIMESTAMP,ContextTokens,GeneratedTokens}
 * (any order, any case) then rows like {@code 2023-11-16 18:17:03.9799600,4808,10}. Timestamps are
 * parsed by hand, without a formatter or substrings, because a trace can have millions of rows.
 */
public final class AzureCsvReader implements TraceReader {
  private static final String TIMESTAMP = "TIMESTAMP";
  private static final String CONTEXT = "ContextTokens";
  private static final String GENERATED = "GeneratedTokens";
  private static final String[] COLUMNS = {TIMESTAMP, CONTEXT, GENERATED};
  private static final String EXAMPLE = "2023-11-16 18:17:03.9799600";
  private static final long[] TO_NANOS = {
    1_000_000_000L, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L, 1_000L, 100L, 10L, 1L
  };

  private final TraceLines lines;
  private final Timeline timeline = new Timeline();
  private final int columnCount;

  /** Position in a row of TIMESTAMP, ContextTokens, GeneratedTokens. */
  private final int[] columnOf = new int[COLUMNS.length];

  /** Start and end of each column in the current row; reused for every row. */
  private final int[] starts;

  private final int[] ends;

  // The calendar day of the previous row: rows of one day share it, so LocalDate is rarely built.
  private int cachedYear = -1;
  private int cachedMonth;
  private int cachedDay;
  private long cachedEpochDay;

  /** Opens {@code path} and checks its header. */
  public AzureCsvReader(Path path) {
    this.lines = new TraceLines(path);
    try {
      this.columnCount = readHeader();
    } catch (RuntimeException e) {
      lines.close();
      throw e;
    }
    this.starts = new int[columnCount];
    this.ends = new int[columnCount];
  }

  @Override
  public TraceRecord next() {
    String line = lines.next();
    if (line == null) {
      return null;
    }
    int found = split(line);
    for (int c = 0; c < COLUMNS.length; c++) {
      if (columnOf[c] >= found) {
        throw lines.error("missing value (column " + COLUMNS[c] + ")");
      }
    }
    if (found > columnCount) {
      throw lines.error("has " + found + " columns, the header has " + columnCount);
    }
    long offset = parseTimestamp(line, starts[columnOf[0]], ends[columnOf[0]]);
    int prompt = parseCount(line, starts[columnOf[1]], ends[columnOf[1]], CONTEXT);
    int output = parseCount(line, starts[columnOf[2]], ends[columnOf[2]], GENERATED);
    return new TraceRecord(offset, prompt, output, TraceRecord.NO_HASHES);
  }

  @Override
  public void close() {
    lines.close();
  }

  private int readHeader() {
    String header = lines.next();
    String expected = String.join(",", COLUMNS);
    if (header == null) {
      throw lines.error("empty trace, expected the header " + expected);
    }
    if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
      header = header.substring(1); // a byte-order mark left by spreadsheet tools
    }
    String[] names = header.split(",", -1);
    Arrays.fill(columnOf, -1);
    for (int i = 0; i < names.length; i++) {
      String name = names[i].trim();
      for (int c = 0; c < COLUMNS.length; c++) {
        if (name.toLowerCase(Locale.ROOT).equals(COLUMNS[c].toLowerCase(Locale.ROOT))) {
          if (columnOf[c] >= 0) {
            throw lines.error("header has column " + COLUMNS[c] + " twice; expected " + expected);
          }
          columnOf[c] = i;
        }
      }
    }
    for (int c = 0; c < COLUMNS.length; c++) {
      if (columnOf[c] < 0) {
        throw lines.error(
            "header must have the columns "
                + expected
                + " (any order), was '"
                + header
                + "' (column "
                + COLUMNS[c]
                + " missing)");
      }
    }
    return names.length;
  }

  /**
   * Records where each comma-separated field starts and ends; returns how many fields there are.
   */
  private int split(String line) {
    int field = 0;
    int start = 0;
    int length = line.length();
    for (int i = 0; i <= length; i++) {
      if (i == length || line.charAt(i) == ',') {
        if (field < columnCount) {
          starts[field] = start;
          ends[field] = i;
        }
        field++;
        start = i + 1;
      }
    }
    return field;
  }

  /**
   * {@code YYYY-MM-DD HH:MM:SS[.f…]} with 0 to 9 fractional digits, as an offset in nanoseconds.
   */
  private long parseTimestamp(String s, int from, int to) {
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    if (to - from < 19
        || s.charAt(from + 4) != '-'
        || s.charAt(from + 7) != '-'
        || (s.charAt(from + 10) != ' ' && s.charAt(from + 10) != 'T')
        || s.charAt(from + 13) != ':'
        || s.charAt(from + 16) != ':') {
      throw badTimestamp(s, from, to, "not a timestamp like " + EXAMPLE);
    }
    int year = digits(s, from, 4);
    int month = digits(s, from + 5, 2);
    int day = digits(s, from + 8, 2);
    int hour = digits(s, from + 11, 2);
    int minute = digits(s, from + 14, 2);
    int second = digits(s, from + 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      throw badTimestamp(s, from, to, "not a timestamp like " + EXAMPLE);
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw badTimestamp(s, from, to, "time of day out of range");
    }
    long fraction = 0;
    int p = from + 19;
    if (p < to) {
      if (s.charAt(p) != '.') {
        throw badTimestamp(s, from, to, "not a timestamp like " + EXAMPLE);
      }
      int n = to - p - 1;
      if (n > 9) {
        throw badTimestamp(s, from, to, "more than 9 fractional digits");
      }
      int value = n == 0 ? 0 : digits(s, p + 1, n);
      if (value < 0) {
        throw badTimestamp(s, from, to, "not a timestamp like " + EXAMPLE);
      }
      fraction = value * TO_NANOS[n];
    }
    long seconds =
        (epochDay(year, month, day, s, from, to) * 24 + hour) * 3600 + minute * 60 + second;
    return timeline.offset(seconds, fraction, lines, "column " + TIMESTAMP);
  }

  private long epochDay(int year, int month, int day, String s, int from, int to) {
    if (year != cachedYear || month != cachedMonth || day != cachedDay) {
      try {
        cachedEpochDay = LocalDate.of(year, month, day).toEpochDay();
      } catch (DateTimeException e) {
        throw badTimestamp(s, from, to, "no such date");
      }
      cachedYear = year;
      cachedMonth = month;
      cachedDay = day;
    }
    return cachedEpochDay;
  }

  private RuntimeException badTimestamp(String s, int from, int to, String problem) {
    return lines.error(
        problem + ", was '" + s.substring(from, to) + "' (column " + TIMESTAMP + ")");
  }

  /** A non-negative token count. */
  private int parseCount(String s, int from, int to, String column) {
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    if (from == to) {
      throw lines.error("missing value (column " + column + ")");
    }
    if (s.charAt(from) == '-') {
      throw lines.error("must be >= 0, was " + s.substring(from, to) + " (column " + column + ")");
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw lines.error(
            "not a whole number, was '" + s.substring(from, to) + "' (column " + column + ")");
      }
      value = value * 10 + (c - '0');
      if (value > Integer.MAX_VALUE) {
        throw lines.error("too large, was " + s.substring(from, to) + " (column " + column + ")");
      }
    }
    return (int) value;
  }

  /** The decimal number in {@code s[from, from+count)}, or -1 if a character is not a digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
