package dev.switchboard.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a replica's HTTP/1.1 answers from the bytes of its connection: the head into a
 * {@link ReplicaResponse}, the body as slices of the bytes read, never copied or re-framed. It only
 * finds where the body ends (a length, chunks, or the close) and checks the framing; what the body
 * holds passes through untouched. Netty's general decoder built header objects and a message per
 * piece for this; the proxy needs far less, and each request paid for the difference.
 *
 * <p>Strict where a lenient reading could let one answer bleed into the next: a malformed status
 * line, header, length or chunk size fails the answer. Used from one event loop.
 */
final class ReplicaResponseParser {
  /** Longest head accepted, status line and headers together. */
  static final int MAX_HEAD_BYTES = 64 * 1024;
  /** Longest chunk-size line (size and extensions) or trailer section accepted. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  /** Receives what the parser reads. */
  interface Handler {
    void head(ReplicaResponse head);

    /** A piece of the body, never empty; the handler owns it and must release or pass it on. */
    void body(ByteBuf piece);

    /** The answer is complete. */
    void end();
  }

  /** The replica's bytes do not make an HTTP/1.1 answer. */
  static final class MalformedResponse extends IOException {
    MalformedResponse(String message) {
      super("malformed response from the replica: " + message);
    }
  }

  private enum State {
    HEAD, LENGTH, CHUNK_SIZE, CHUNK_EXTENSION, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE
  }

  /** RFC 9110 tchar, the bytes a header name may hold. */
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

  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] CONTENT_TYPE = ascii("content-type");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] EVENT_STREAM = ascii("text/event-stream");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[] CHUNKED = ascii("chunked");

  private final Handler handler;
  private State state = State.DONE;

  /** The head or trailer section gathered so far. */
  private byte[] section = new byte[1024];
  private int sectionLength;
  /** While gathering a section: the line being read has nothing in it yet (but a carriage return). */
  private boolean lineEmpty;
  private final ByteProcessor sectionEnd =
      b -> {
        if (b == '\n') {
          if (lineEmpty) {
            return false;
          }
          lineEmpty = true;
        } else if (b != '\r') {
          lineEmpty = false;
        }
        return true;
      };

  /** Body bytes left in the current length-delimited body or chunk. */
  private long remaining;
  /** Hex digits of the chunk size read so far, and bytes of its line. */
  private int sizeDigits;
  private int sizeLineBytes;

  ReplicaResponseParser(Handler handler) {
    this.handler = handler;
  }

  /** Expects a new answer: called as each request goes out. */
  void expectAnswer() {
    startSection(State.HEAD, false);
  }

  /** Between answers: the previous one ended and no request is waiting for the next. */
  boolean idle() {
    return state == State.DONE;
  }

  /**
   * The connection closed: true if that ends the body (one that runs to the close), in which case
   * the handler has heard {@link Handler#end()}.
   */
  boolean closed() {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      handler.end();
      return true;
    }
    return false;
  }

  /**
   * Reads what {@code in} holds, up to the end of the current answer; bytes past it are left in
   * {@code in}. Does not release {@code in}.
   */
  void feed(ByteBuf in) throws MalformedResponse {
    while (in.isReadable() && state != State.DONE) {
      switch (state) {
        case HEAD -> {
          if (!gatherSection(in, MAX_HEAD_BYTES, "the head")) {
            return;
          }
          head();
        }
        case LENGTH -> {
          passBody(in);
          if (remaining == 0) {
            finish();
          }
        }
        case CHUNK_SIZE -> chunkSize(in);
        case CHUNK_EXTENSION -> {
          // Extensions mean nothing to a proxy that re-frames the body: skipped to the line's end.
          int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
          int n = (lf < 0 ? in.writerIndex() : lf + 1) - in.readerIndex();
          countSizeLine(n);
          in.skipBytes(n);
          if (lf >= 0) {
            endOfSizeLine();
          }
        }
        case CHUNK_DATA -> {
          passBody(in);
          if (remaining == 0) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          byte b = in.readByte();
          if (b == '\n') {
            startChunkSize();
          } else if (b != '\r' || sizeLineBytes++ > 0) {
            throw new MalformedResponse("a chunk is longer than its size");
          }
        }
        case TRAILERS -> {
          // Trailer fields end at this hop: the client's answer is framed anew.
          if (gatherSection(in, MAX_LINE_BYTES, "the trailer section")) {
            finish();
          }
        }
        case UNTIL_CLOSE -> handler.body(in.readRetainedSlice(in.readableBytes()));
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  private void passBody(ByteBuf in) {
    int n = (int) Math.min(remaining, in.readableBytes());
    remaining -= n;
    handler.body(in.readRetainedSlice(n));
  }

  private void finish() {
    state = State.DONE;
    handler.end();
  }

  private void startSection(State next, boolean atLineStart) {
    state = next;
    sectionLength = 0;
    lineEmpty = atLineStart;
  }

  /**
   * Copies bytes of the current section (a head, or trailers) until the empty line that ends it;
   * true once it has ended.
   */
  private boolean gatherSection(ByteBuf in, int limit, String what) throws MalformedResponse {
    int start = in.readerIndex();
    int lf = in.forEachByte(sectionEnd);
    int n = (lf < 0 ? in.writerIndex() : lf + 1) - start;
    if (sectionLength + n > limit) {
      throw new MalformedResponse(what + " is longer than " + limit + " bytes");
    }
    if (sectionLength + n > section.length) {
      section = Arrays.copyOf(section, Math.max(section.length * 2, sectionLength + n));
    }
    in.readBytes(section, sectionLength, n);
    sectionLength += n;
    return lf >= 0;
  }

  // --- The head ---

  private void head() throws MalformedResponse {
    byte[] h = section;
    int end = sectionLength;
    int lineEnd = lineEnd(h, 0, end);
    int status = statusLine(h, lineEnd);
    if (status < 200) {
      if (status == 101) {
        throw new MalformedResponse("the replica switched protocols unasked");
      }
      // An interim answer (100 Continue, 103 Early Hints): the real one follows.
      startSection(State.HEAD, false);
      return;
    }
    boolean http10 = h[7] == '0';
    int[] lines = new int[16];
    int lineCount = 0;
    long contentLength = -1;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean eventStream = false;
    int codings = -1; // where the last transfer-encoding value starts, and its end
    int codingsEnd = -1;
    int pos = next(h, lineEnd, end);
    while (pos < end) {
      int le = lineEnd(h, pos, end);
      if (le == pos) {
        break;
      }
      if (h[pos] == ' ' || h[pos] == '\t') {
        // RFC 9112 §5.2: a proxy may refuse the obsolete line folding, and does.
        throw new MalformedResponse("folded header line `" + shown(h, pos, le) + "`");
      }
      int colon = pos;
      while (colon < le && h[colon] != ':') {
        if (!TOKEN[h[colon] & 0xff]) {
          // Includes a space before the colon, which RFC 9112 says to refuse.
          throw new MalformedResponse("bad header name in `" + shown(h, pos, le) + "`");
        }
        colon++;
      }
      if (colon == pos || colon == le) {
        throw new MalformedResponse("bad header line `" + shown(h, pos, le) + "`");
      }
      for (int i = colon + 1; i < le; i++) {
        // RFC 9112 §2.2: a bare carriage return (or any control but a tab) may not pass on, where
        // a client might take it for the end of a line and read a header the replica never sent.
        int b = h[i] & 0xff;
        if ((b < 0x20 && b != '\t') || b == 0x7f) {
          throw new MalformedResponse("control character in the header line `" + shown(h, pos, le) + "`");
        }
      }
      int vs = colon + 1;
      int ve = le;
      while (vs < ve && (h[vs] == ' ' || h[vs] == '\t')) {
        vs++;
      }
      while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t')) {
        ve--;
      }
      int nameLength = colon - pos;
      boolean pass = true;
      if (named(h, pos, nameLength, CONTENT_LENGTH)) {
        long length = contentLength(h, vs, ve);
        if (contentLength >= 0 && length != contentLength) {
          throw new MalformedResponse("conflicting content-length headers");
        }
        contentLength = length;
        pass = false;
      } else if (named(h, pos, nameLength, TRANSFER_ENCODING)) {
        codings = vs;
        codingsEnd = ve;
        pass = false;
      } else if (named(h, pos, nameLength, CONNECTION)) {
        close |= hasToken(h, vs, ve, CLOSE);
        keepAliveToken |= hasToken(h, vs, ve, KEEP_ALIVE);
        pass = false;
      } else if (named(h, pos, nameLength, CONTENT_TYPE)) {
        eventStream = startsWithIgnoreCase(h, vs, ve, EVENT_STREAM);
      } else if (hopByHopLength(nameLength) && LoopProxy.hopByHop(text(h, pos, colon))) {
        pass = false;
      }
      if (pass) {
        if (2 * lineCount + 2 > lines.length) {
          lines = Arrays.copyOf(lines, lines.length * 2);
        }
        lines[2 * lineCount] = pos;
        lines[2 * lineCount + 1] = le;
        lineCount++;
      }
      pos = next(h, le, end);
    }
    boolean keepAlive = http10 ? keepAliveToken && !close : !close;
    boolean bodyless = status == 204 || status == 304;
    long length = -1;
    State nextState;
    if (bodyless) {
      nextState = State.DONE;
    } else if (codings >= 0) {
      // RFC 9112 §6.3: chunked last means chunked; any other coding, the body runs to the close.
      // A content-length beside a transfer-encoding is ignored.
      if (lastCodingIsChunked(h, codings, codingsEnd)) {
        nextState = State.CHUNK_SIZE;
      } else {
        nextState = State.UNTIL_CLOSE;
        keepAlive = false;
      }
    } else if (contentLength >= 0) {
      length = contentLength;
      nextState = length == 0 ? State.DONE : State.LENGTH;
    } else {
      nextState = State.UNTIL_CLOSE;
      keepAlive = false;
    }
    // The head keeps its own copy of the bytes: the section buffer is reused for trailers.
    ReplicaResponse response =
        new ReplicaResponse(
            status, Arrays.copyOf(h, end), Math.min(13, lineEnd), lineEnd, lines, lineCount, length, !bodyless,
            keepAlive, eventStream);
    remaining = length;
    state = nextState;
    if (nextState == State.CHUNK_SIZE) {
      startChunkSize();
    }
    handler.head(response);
    if (nextState == State.DONE) {
      handler.end();
    }
  }

  /** The status code of {@code HTTP/1.x SP 3DIGIT SP reason} (the reason may be empty, its space too). */
  private static int statusLine(byte[] h, int end) throws MalformedResponse {
    if (end < 12 || h[0] != 'H' || h[1] != 'T' || h[2] != 'T' || h[3] != 'P' || h[4] != '/' || h[5] != '1'
        || h[6] != '.' || h[8] != ' ' || (end > 12 && h[12] != ' ')) {
      throw new MalformedResponse("bad status line `" + shown(h, 0, end) + "`");
    }
    if (h[7] != '0' && h[7] != '1') {
      throw new MalformedResponse("unsupported version in `" + shown(h, 0, end) + "`");
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      if (h[i] < '0' || h[i] > '9') {
        throw new MalformedResponse("bad status code in `" + shown(h, 0, end) + "`");
      }
      code = code * 10 + (h[i] - '0');
    }
    if (code < 100) {
      throw new MalformedResponse("bad status code in `" + shown(h, 0, end) + "`");
    }
    for (int i = 13; i < end; i++) {
      int b = h[i] & 0xff;
      if ((b < 0x20 && b != '\t') || b == 0x7f) {
        throw new MalformedResponse("control character in the status line `" + shown(h, 0, end) + "`");
      }
    }
    return code;
  }

  // --- Chunks ---

  private void startChunkSize() {
    state = State.CHUNK_SIZE;
    remaining = 0;
    sizeDigits = 0;
    sizeLineBytes = 0;
  }

  private void chunkSize(ByteBuf in) throws MalformedResponse {
    while (in.isReadable()) {
      byte b = in.readByte();
      countSizeLine(1);
      int digit = Character.digit(b, 16);
      if (digit >= 0) {
        if (++sizeDigits > 15) {
          throw new MalformedResponse("chunk size too large");
        }
        remaining = remaining * 16 + digit;
      } else if (sizeDigits > 0 && (b == ';' || b == ' ' || b == '\t' || b == '\r')) {
        state = State.CHUNK_EXTENSION;
        return;
      } else if (sizeDigits > 0 && b == '\n') {
        endOfSizeLine();
        return;
      } else {
        throw new MalformedResponse("bad chunk size");
      }
    }
  }

  private void countSizeLine(int n) throws MalformedResponse {
    sizeLineBytes += n;
    if (sizeLineBytes > MAX_LINE_BYTES) {
      throw new MalformedResponse("a chunk-size line is longer than " + MAX_LINE_BYTES + " bytes");
    }
  }

  private void endOfSizeLine() {
    if (remaining == 0) {
      startSection(State.TRAILERS, true);
    } else {
      state = State.CHUNK_DATA;
      sizeLineBytes = 0;
    }
  }

  // --- Bytes ---

  /** The end of the line starting at {@code from}, before its line feed (and carriage return). */
  private static int lineEnd(byte[] h, int from, int end) {
    int i = from;
    while (i < end && h[i] != '\n') {
      i++;
    }
    return i > from && h[i - 1] == '\r' ? i - 1 : i;
  }

  /** The start of the line after the one ending at {@code lineEnd}. */
  private static int next(byte[] h, int lineEnd, int end) {
    int i = lineEnd;
    while (i < end && h[i] != '\n') {
      i++;
    }
    return i + 1;
  }

  /** Whether a name this long may be a hop-by-hop header's: a check that spares making a string. */
  private static boolean hopByHopLength(int length) {
    return length == 2 || length == 7 || length == 10 || length == 18 || length == 19;
  }

  /** Whether the name at {@code h[from..from+length)} is {@code lower}, in any case. */
  private static boolean named(byte[] h, int from, int length, byte[] lower) {
    return length == lower.length && startsWithIgnoreCase(h, from, from + length, lower);
  }

  private static boolean startsWithIgnoreCase(byte[] h, int from, int end, byte[] lower) {
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

  private static long contentLength(byte[] h, int from, int end) throws MalformedResponse {
    if (from == end || end - from > 18) {
      throw new MalformedResponse("bad content-length `" + shown(h, from, end) + "`");
    }
    long n = 0;
    for (int i = from; i < end; i++) {
      if (h[i] < '0' || h[i] > '9') {
        throw new MalformedResponse("bad content-length `" + shown(h, from, end) + "`");
      }
      n = n * 10 + (h[i] - '0');
    }
    return n;
  }

  private static boolean lastCodingIsChunked(byte[] h, int from, int end) {
    int start = end;
    while (start > from && h[start - 1] != ',') {
      start--;
    }
    return trimmedEqualsIgnoreCase(h, start, end, CHUNKED);
  }

  /** Whether a comma-separated header value holds {@code lower}, in any case. */
  private static boolean hasToken(byte[] h, int from, int end, byte[] lower) {
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
  private static boolean trimmedEqualsIgnoreCase(byte[] h, int from, int end, byte[] lower) {
    while (from < end && (h[from] == ' ' || h[from] == '\t')) {
      from++;
    }
    while (end > from && (h[end - 1] == ' ' || h[end - 1] == '\t')) {
      end--;
    }
    return end - from == lower.length && startsWithIgnoreCase(h, from, end, lower);
  }

  private static String text(byte[] h, int from, int end) {
    return new String(h, from, end - from, StandardCharsets.ISO_8859_1);
  }

  /** Bytes as shown in an error message: printable ASCII, cut short. */
  private static String shown(byte[] h, int from, int end) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < Math.min(end, from + 80); i++) {
      b.append(h[i] >= 0x20 && h[i] < 0x7f ? (char) h[i] : '?');
    }
    return end - from > 80 ? b.append("...").toString() : b.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
