package dev.switchboard.gateway.http;

import static dev.switchboard.gateway.http.Http1Syntax.shown;

import java.util.Arrays;

/**
 * Walks the header lines of a head gathered in a byte array, checking each as RFC 9112 §5 asks,
 * and keeps the ones its reader chooses to pass on (as start and end offsets, to be copied out
 * later with {@link Http1#lines}). Both of the data plane's parsers read headers with it.
 */
final class HeaderLines {
  private final byte[] h;
  private final int end;
  private int next;
  /** The current line: where it starts, its colon, its value (less spaces around), where it ends. */
  private int start;
  private int colon;
  private int valueStart;
  private int valueEnd;
  private int lineEnd;
  private int[] kept = new int[16];
  private int keptCount;

  /** The header lines of {@code h[0..end)}, which start after the line ending at {@code firstLineEnd}. */
  HeaderLines(byte[] h, int firstLineEnd, int end) {
    this.h = h;
    this.end = end;
    this.next = Http1Syntax.next(h, firstLineEnd, end);
  }

  /** Moves to the next header line: false at the empty line that ends the head. */
  boolean next() throws MalformedHttp {
    if (next >= end) {
      return false;
    }
    int pos = next;
    int le = Http1Syntax.lineEnd(h, pos, end);
    if (le == pos) {
      return false;
    }
    if (h[pos] == ' ' || h[pos] == '\t') {
      // RFC 9112 §5.2: the obsolete line folding may be refused, and is.
      throw new MalformedHttp("folded header line `" + shown(h, pos, le) + "`");
    }
    int c = pos;
    while (c < le && h[c] != ':') {
      if (!Http1Syntax.token(h[c])) {
        // Includes a space before the colon, which RFC 9112 §5.1 says to refuse.
        throw new MalformedHttp("bad header name in `" + shown(h, pos, le) + "`");
      }
      c++;
    }
    if (c == pos || c == le) {
      throw new MalformedHttp("bad header line `" + shown(h, pos, le) + "`");
    }
    if (Http1Syntax.hasControl(h, c + 1, le)) {
      throw new MalformedHttp("control character in the header line `" + shown(h, pos, le) + "`");
    }
    int vs = c + 1;
    int ve = le;
    while (vs < ve && (h[vs] == ' ' || h[vs] == '\t')) {
      vs++;
    }
    while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t')) {
      ve--;
    }
    start = pos;
    colon = c;
    valueStart = vs;
    valueEnd = ve;
    lineEnd = le;
    next = Http1Syntax.next(h, le, end);
    return true;
  }

  /** Whether the current line's name is {@code lower}, in any case. */
  boolean named(byte[] lower) {
    return Http1Syntax.named(h, start, colon - start, lower);
  }

  boolean hopByHop() {
    return Http1Syntax.hopByHop(h, start, colon - start);
  }

  int valueStart() {
    return valueStart;
  }

  int valueEnd() {
    return valueEnd;
  }

  /**
   * The current line's value read as a content-length: plain digits, and the same as the one read
   * before ({@code before}, -1 if none), since two lengths leave the message's end in doubt.
   */
  long contentLength(long before) throws MalformedHttp {
    long length = Http1Syntax.decimal(h, valueStart, valueEnd);
    if (length < 0) {
      throw new MalformedHttp("bad content-length `" + shown(h, valueStart, valueEnd) + "`");
    }
    if (before >= 0 && length != before) {
      throw new MalformedHttp("conflicting content-length headers");
    }
    return length;
  }

  /** Keeps the current line, to be passed on. */
  void keep() {
    if (2 * keptCount + 2 > kept.length) {
      kept = Arrays.copyOf(kept, kept.length * 2);
    }
    kept[2 * keptCount] = start;
    kept[2 * keptCount + 1] = lineEnd;
    keptCount++;
  }

  /**
   * Drops the kept lines whose name is one of the comma-separated options in {@code h[from..to)}
   * (a connection header's value), in any case.
   */
  void dropNamedIn(int from, int to) {
    int n = 0;
    for (int i = 0; i < keptCount; i++) {
      int name = kept[2 * i];
      int nameEnd = name;
      while (h[nameEnd] != ':') {
        nameEnd++;
      }
      if (!listed(name, nameEnd, from, to)) {
        kept[2 * n] = name;
        kept[2 * n + 1] = kept[2 * i + 1];
        n++;
      }
    }
    keptCount = n;
  }

  /** Whether {@code h[name..nameEnd)} is one of the comma-separated tokens in {@code h[from..to)}, in any case. */
  private boolean listed(int name, int nameEnd, int from, int to) {
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || h[i] == ',') {
        int s = start;
        int e = i;
        while (s < e && (h[s] == ' ' || h[s] == '\t')) {
          s++;
        }
        while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t')) {
          e--;
        }
        if (e - s == nameEnd - name && sameIgnoringCase(name, s, e - s)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private boolean sameIgnoringCase(int a, int b, int length) {
    for (int i = 0; i < length; i++) {
      if (lower(h[a + i]) != lower(h[b + i])) {
        return false;
      }
    }
    return true;
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b | 0x20 : b;
  }

  /** The lines kept: start and end of each, in turn. */
  int[] kept() {
    return kept;
  }

  int keptCount() {
    return keptCount;
  }
}
