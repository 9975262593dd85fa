package dev.switchboard.gateway.http;

import java.nio.charset.StandardCharsets;

/**
 * The byte-level pieces of HTTP/1.1's grammar (RFC 9110, RFC 9112) that both of the data plane's
 * parsers read heads with: tokens, lines, header names and comma-separated values, all on the
 * bytes as received, so no strings are made for headers nobody looks at.
 */
final class Http1Syntax {
  /** RFC 9110 tchar, the bytes a header name or a method may hold. */
  private static final boolean[] TOKEN = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  private static final byte[] CHUNKED = ascii("chunked");
  /** Hop-by-hop headers (RFC 9110 §7.6.1, and those that frame a connection's messages). */
  private static final byte[][] HOP_BY_HOP =
      names("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authenticate",
          "proxy-authorization");

  private Http1Syntax() {}

  static boolean token(byte b) {
    return TOKEN[b & 0xff];
  }

  /**
   * A control character other than a tab. None may pass on in a head (RFC 9112 §2.2): a bare
   * carriage return could be taken for the end of a line by the next reader, which would then see
   * a header the sender never sent.
   */
  static boolean control(byte b) {
    int c = b & 0xff;
    return (c < 0x20 && c != '\t') || c == 0x7f;
  }

  /** Whether {@code h[from..end)} holds a control character other than a tab. */
  static boolean hasControl(byte[] h, int from, int end) {
    for (int i = from; i < end; i++) {
      if (control(h[i])) {
        return true;
      }
    }
    return false;
  }

  /** The end of the line starting at {@code from}, before its line feed (and carriage return). */
  static int lineEnd(byte[] h, int from, int end) {
    int i = from;
    while (i < end && h[i] != '\n') {
      i++;
    }
    return i > from && h[i - 1] == '\r' ? i - 1 : i;
  }

  /** The start of the line after the one ending at {@code lineEnd}. */
  static int next(byte[] h, int lineEnd, int end) {
    int i = lineEnd;
    while (i < end && h[i] != '\n') {
      i++;
    }
    return i + 1;
  }

  /** Whether the name at {@code h[from..from+length)} is {@code lower}, in any case. */
  static boolean named(byte[] h, int from, int length, byte[] lower) {
    return length == lower.length && startsWithIgnoreCase(h, from, from + length, lower);
  }

  static boolean startsWithIgnoreCase(byte[] h, int from, int end, byte[] lower) {
    if (end - from < lower.length) {
      return false;
    }
    for (int i = 0; i < lower.length; i++) {
      byte b = h[from + i];
      if ((b >= 'A' && b <= 'Z' ? b | 0x20 : b) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  /** A content-length value: decimal digits only, or -1. */
  static long decimal(byte[] h, int from, int end) {
    if (from == end || end - from > 18) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < end; i++) {
      if (h[i] < '0' || h[i] > '9') {
        return -1;
      }
      n = n * 10 + (h[i] - '0');
    }
    return n;
  }

  /** Whether the last of the comma-separated transfer codings in {@code h[from..end)} is chunked. */
  static boolean lastCodingIsChunked(byte[] h, int from, int end) {
    int start = end;
    while (start > from && h[start - 1] != ',') {
      start--;
    }
    return trimmedEqualsIgnoreCase(h, start, end, CHUNKED);
  }

  /** Whether the codings in {@code h[from..end)} are chunked alone. */
  static boolean onlyChunked(byte[] h, int from, int end) {
    return trimmedEqualsIgnoreCase(h, from, end, CHUNKED);
  }

  /** Whether a comma-separated header value holds {@code lower}, in any case. */
  static boolean hasToken(byte[] h, int from, int end, byte[] lower) {
    int start = from;
    for (int i = from; i <= end; i++) {
      if (i == end || h[i] == ',') {
        if (trimmedEqualsIgnoreCase(h, start, i, lower)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Whether {@code h[from..end)}, less spaces and tabs around it, is {@code lower} in any case. */
  static boolean trimmedEqualsIgnoreCase(byte[] h, int from, int end, byte[] lower) {
    while (from < end && (h[from] == ' ' || h[from] == '\t')) {
      from++;
    }
    while (end > from && (h[end - 1] == ' ' || h[end - 1] == '\t')) {
      end--;
    }
    return end - from == lower.length && startsWithIgnoreCase(h, from, end, lower);
  }

  /** Whether the header name at {@code h[from..from+length)} is a hop-by-hop one, which never passes on. */
  static boolean hopByHop(byte[] h, int from, int length) {
    return oneOf(h, from, length, HOP_BY_HOP);
  }

  /** Whether the name at {@code h[from..from+length)} is one of {@code names} (lower case), in any case. */
  private static boolean oneOf(byte[] h, int from, int length, byte[][] names) {
    for (byte[] name : names) {
      if (named(h, from, length, name)) {
        return true;
      }
    }
    return false;
  }

  private static byte[][] names(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = ascii(names[i]);
    }
    return out;
  }

  static String text(byte[] h, int from, int end) {
    return new String(h, from, end - from, StandardCharsets.ISO_8859_1);
  }

  /** Bytes as shown in an error message: printable ASCII, cut short. */
  static String shown(byte[] h, int from, int end) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < Math.min(end, from + 80); i++) {
      b.append(h[i] >= 0x20 && h[i] < 0x7f ? (char) h[i] : '?');
    }
    return end - from > 80 ? b.append("...").toString() : b.toString();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
