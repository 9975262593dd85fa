package dev.switchboard.gateway.openai;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over a JSON text in UTF-8 (RFC 8259) for the few top-level fields routing reads: it
 * checks the grammar of everything it passes over, including that strings are well-formed UTF-8
 * (RFC 3629), but builds nothing for the values it skips. Strings are skipped eight bytes at a
 * time while none of them is a quote, a backslash, a control character or a non-ASCII byte.
 *
 * <p>Jackson did this before: a parser set up per request cost about 220 ns and 760 bytes before
 * it read a byte, and it skipped text at 1.2–1.8 ns a byte; this scanner takes about half the
 * time and allocates 112 bytes (docs/benchmarks.md). The tests hold it to Jackson's verdict on
 * the same inputs.
 */
final class JsonScanner {
  /** Containers nested deeper than this are refused, as Jackson's default limit does. */
  static final int MAX_DEPTH = 1000;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long SPACES = ONES * 0x20;
  private static final byte[][] NO_NAMES = {};

  /** Thrown for a text that is not JSON; the message says what was wrong and at which byte. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final byte[] b;
  private final int start;
  private final int end;
  private int at;
  /** Set by {@link #skipString}: the string just passed had an escape in it. */
  private boolean escaped;

  JsonScanner(byte[] bytes, int offset, int length) {
    this.b = bytes;
    this.start = offset;
    this.end = offset + length;
    this.at = offset;
    // A byte-order mark may precede the text (RFC 8259 allows ignoring it, and Jackson does).
    if (length >= 3 && b[at] == (byte) 0xEF && b[at + 1] == (byte) 0xBB && b[at + 2] == (byte) 0xBF) {
      at += 3;
    }
  }

  /** Skips whitespace; the next byte (0–255), not consumed, or -1 at the end of the text. */
  int peek() {
    while (at < end) {
      int c = b[at] & 0xff;
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c;
      }
      at++;
    }
    return -1;
  }

  /** Skips whitespace and consumes {@code c}, which must come next. */
  void expect(char c) throws Malformed {
    if (peek() != c) {
      throw unexpected("'" + c + "'");
    }
    at++;
  }

  /** Consumes {@code c} after whitespace if it comes next. */
  boolean consume(char c) {
    if (peek() == c) {
      at++;
      return true;
    }
    return false;
  }

  /**
   * Reads an object member's name and the colon after it; the index of the name in {@code names}
   * (ASCII names, compared byte for byte, or after decoding escapes), or -1 for another name.
   */
  int name(byte[][] names) throws Malformed {
    if (peek() != '"') {
      throw unexpected("a member name");
    }
    int from = at + 1;
    skipString();
    int to = at - 1;
    int found = -1;
    if (escaped && names.length > 0) {
      String decoded = decode(from, to);
      for (int i = 0; i < names.length && found < 0; i++) {
        if (decoded.equals(new String(names[i], StandardCharsets.US_ASCII))) {
          found = i;
        }
      }
    } else {
      for (int i = 0; i < names.length && found < 0; i++) {
        if (Arrays.equals(b, from, to, names[i], 0, names[i].length)) {
          found = i;
        }
      }
    }
    expect(':');
    return found;
  }

  /** Reads a string value (the next byte must be its quote), escapes decoded. */
  String string() throws Malformed {
    int from = at + 1;
    skipString();
    return escaped ? decode(from, at - 1) : new String(b, from, at - 1 - from, StandardCharsets.UTF_8);
  }

  /** Consumes {@code true}, {@code false} or {@code null} if it comes next; which, or -1. */
  int literal() throws Malformed {
    int c = peek();
    String word = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : null;
    if (word == null) {
      return -1;
    }
    if (end - at < word.length()) {
      throw unexpected("'" + word + "'");
    }
    for (int i = 1; i < word.length(); i++) {
      if (b[at + i] != word.charAt(i)) {
        throw unexpected("'" + word + "'");
      }
    }
    at += word.length();
    return c;
  }

  /**
   * Consumes the number that comes next: its value when it is an integer of at most 18 digits,
   * otherwise {@code tooBig} for a longer integer and {@code fraction} for a number with a
   * fraction or an exponent. Call only when {@link #peek} saw '-' or a digit.
   */
  long number(long tooBig, long fraction) throws Malformed {
    boolean negative = b[at] == '-';
    if (negative) {
      at++;
    }
    int digits = at;
    if (at < end && b[at] == '0') {
      at++;
    } else if (at < end && b[at] >= '1' && b[at] <= '9') {
      while (at < end && b[at] >= '0' && b[at] <= '9') {
        at++;
      }
    } else {
      throw unexpected("a digit");
    }
    int intEnd = at;
    boolean integer = true;
    if (at < end && b[at] == '.') {
      at++;
      digits(at);
      integer = false;
    }
    if (at < end && (b[at] == 'e' || b[at] == 'E')) {
      at++;
      if (at < end && (b[at] == '+' || b[at] == '-')) {
        at++;
      }
      digits(at);
      integer = false;
    }
    if (!integer) {
      return fraction;
    }
    if (intEnd - digits > 18) {
      return tooBig;
    }
    long value = 0;
    for (int i = digits; i < intEnd; i++) {
      value = value * 10 + (b[i] - '0');
    }
    return negative ? -value : value;
  }

  /**
   * Skips one value of any kind, checking it, without recursion however deep it nests; {@code
   * around} containers are open around it already.
   */
  void skipValue(int around) throws Malformed {
    // One bit per open container: set for an object, clear for an array.
    long shallow = 0;
    long[] deep = null;
    int depth = 0;
    for (;;) {
      // A value is due.
      int c = peek();
      if (c == '{' || c == '[') {
        if (around + depth == MAX_DEPTH) {
          throw new Malformed("nesting deeper than " + MAX_DEPTH + " at byte " + (at - start));
        }
        at++;
        boolean object = c == '{';
        if (depth < 64) {
          shallow = object ? shallow | (1L << depth) : shallow & ~(1L << depth);
        } else {
          if (deep == null) {
            deep = new long[(MAX_DEPTH + 63) / 64];
          }
          int d = depth - 64;
          deep[d >> 6] = object ? deep[d >> 6] | (1L << d) : deep[d >> 6] & ~(1L << d);
        }
        depth++;
        if (consume(object ? '}' : ']')) {
          depth--;
        } else {
          if (object) {
            name(NO_NAMES);
          }
          continue;
        }
      } else if (c == '"') {
        skipString();
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        number(0, 0);
      } else if (literal() < 0) {
        throw unexpected("a value");
      }
      // A value has ended: close containers until one goes on.
      for (;;) {
        if (depth == 0) {
          return;
        }
        int d = depth - 1;
        boolean object = d < 64 ? (shallow & (1L << d)) != 0 : (deep[(d - 64) >> 6] & (1L << (d - 64))) != 0;
        if (consume(',')) {
          if (object) {
            name(NO_NAMES);
          }
          break;
        }
        if (consume(object ? '}' : ']')) {
          depth--;
        } else {
          throw unexpected(object ? "',' or '}'" : "',' or ']'");
        }
      }
    }
  }

  /** The text is over but for whitespace. */
  boolean atEnd() {
    return peek() < 0;
  }

  Malformed unexpected(String wanted) {
    int c = peek();
    String found = c < 0 ? "the end of the text" : c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : "byte 0x" + Integer.toHexString(c);
    return new Malformed("expected " + wanted + " at byte " + (at - start) + ", found " + found);
  }

  private void digits(int from) throws Malformed {
    while (at < end && b[at] >= '0' && b[at] <= '9') {
      at++;
    }
    if (at == from) {
      throw unexpected("a digit");
    }
  }

  /** Passes over a string from its opening quote to after its closing one, checking it. */
  private void skipString() throws Malformed {
    int i = at + 1;
    boolean escapes = false;
    for (;;) {
      if (i + 8 <= end) {
        long special = special((long) LONGS.get(b, i));
        if (special == 0) {
          i += 8;
          continue;
        }
        // The lowest flag marks the first special byte exactly (see special()).
        i += Long.numberOfTrailingZeros(special) >>> 3;
      } else if (i >= end) {
        at = i;
        throw new Malformed("unterminated string at byte " + (end - start));
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        at = i + 1;
        escaped = escapes;
        return;
      } else if (c == '\\') {
        escapes = true;
        i = escape(i);
      } else if (c < 0x20) {
        at = i;
        throw new Malformed("control character 0x" + Integer.toHexString(c) + " in a string at byte " + (i - start));
      } else if (c >= 0x80) {
        i = utf8(i, c);
      } else {
        i++;
      }
    }
  }

  /**
   * The high bit of each byte of {@code x} (eight bytes read little-endian) that is a quote, a
   * backslash, below 0x20 or above 0x7f; zero when none is. A borrow can also flag a byte after a
   * flagged one, never one before it, so the lowest flag is exact.
   */
  private static long special(long x) {
    return (zeroByte(x ^ QUOTES) | zeroByte(x ^ BACKSLASHES) | ((x - SPACES) & ~x) | x) & HIGHS;
  }

  /** Flags (in its high bit) each zero byte of {@code x}, and possibly bytes after one. */
  private static long zeroByte(long x) {
    return (x - ONES) & ~x;
  }

  /** Checks the escape at {@code i} (a backslash); the index after it. */
  private int escape(int i) throws Malformed {
    if (i + 1 >= end) {
      at = i;
      throw new Malformed("unterminated string at byte " + (end - start));
    }
    switch (b[i + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return i + 2;
      }
      case 'u' -> {
        for (int k = i + 2; k < i + 6; k++) {
          if (k >= end || Character.digit(b[k], 16) < 0) {
            at = i;
            throw new Malformed("bad \\u escape at byte " + (i - start));
          }
        }
        return i + 6;
      }
      default -> {
        at = i;
        throw new Malformed("bad escape at byte " + (i - start));
      }
    }
  }

  /** Checks the UTF-8 sequence led by {@code c} at {@code i}; the index after it (RFC 3629). */
  private int utf8(int i, int c) throws Malformed {
    int more;
    int low = 0x80;
    int high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) {
        low = 0xA0; // no overlong forms
      } else if (c == 0xED) {
        high = 0x9F; // no surrogates
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) {
        low = 0x90;
      } else if (c == 0xF4) {
        high = 0x8F; // nothing above U+10FFFF
      }
    } else {
      throw badUtf8(i);
    }
    if (i + more >= end) {
      throw badUtf8(i);
    }
    int second = b[i + 1] & 0xff;
    if (second < low || second > high) {
      throw badUtf8(i);
    }
    for (int k = i + 2; k <= i + more; k++) {
      if ((b[k] & 0xC0) != 0x80) {
        throw badUtf8(i);
      }
    }
    return i + 1 + more;
  }

  private Malformed badUtf8(int i) {
    at = i;
    return new Malformed("invalid UTF-8 at byte " + (i - start));
  }

  /** The string between {@code from} and {@code to}, checked already, with its escapes decoded. */
  private String decode(int from, int to) {
    StringBuilder s = new StringBuilder(to - from);
    int run = from;
    int i = from;
    while (i < to) {
      if (b[i] != '\\') {
        i++;
        continue;
      }
      s.append(new String(b, run, i - run, StandardCharsets.UTF_8));
      byte e = b[i + 1];
      switch (e) {
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> s.append((char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16));
        default -> s.append((char) e);
      }
      i += e == 'u' ? 6 : 2;
      run = i;
    }
    return s.append(new String(b, run, to - run, StandardCharsets.UTF_8)).toString();
  }
}
