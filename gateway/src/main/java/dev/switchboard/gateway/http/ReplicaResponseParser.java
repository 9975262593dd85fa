package dev.switchboard.gateway.http;

import static dev.switchboard.gateway.http.Http1Syntax.ascii;
import static dev.switchboard.gateway.http.Http1Syntax.hasControl;
import static dev.switchboard.gateway.http.Http1Syntax.hasToken;
import static dev.switchboard.gateway.http.Http1Syntax.lastCodingIsChunked;
import static dev.switchboard.gateway.http.Http1Syntax.lineEnd;
import static dev.switchboard.gateway.http.Http1Syntax.shown;
import static dev.switchboard.gateway.http.Http1Syntax.startsWithIgnoreCase;

import io.netty.buffer.ByteBuf;
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
public final class ReplicaResponseParser {
  /** Longest head accepted, status line and headers together. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  /** Receives what the parser reads. */
  public interface Handler {
    void head(ReplicaResponse head);

    /** A piece of the body, never empty; the handler owns it and must release or pass it on. */
    void body(ByteBuf piece);

    /** The answer is complete. */
    void end();
  }

  private enum State {
    HEAD, LENGTH, CHUNKED, UNTIL_CLOSE, DONE
  }

  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] CONTENT_TYPE = ascii("content-type");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] EVENT_STREAM = ascii("text/event-stream");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");

  private final Handler handler;
  private final ChunkedBody.Data passOn;
  private State state = State.DONE;
  private final HeadSection section = new HeadSection();
  private final ChunkedBody chunks = new ChunkedBody(section);
  /** Body bytes left in a length-delimited body. */
  private long remaining;

  public ReplicaResponseParser(Handler handler) {
    this.handler = handler;
    this.passOn = (in, n) -> handler.body(in.readRetainedSlice(n));
  }

  /** Expects a new answer: called as each request goes out. */
  public void expectAnswer() {
    state = State.HEAD;
    section.start(false);
  }

  /** Between answers: the previous one ended and no request is waiting for the next. */
  public boolean idle() {
    return state == State.DONE;
  }

  /**
   * The connection closed: true if that ends the body (one that runs to the close), in which case
   * the handler has heard {@link Handler#end()}.
   */
  public boolean closed() {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      handler.end();
      return true;
    }
    return false;
  }

  /**
   * Reads what {@code in} holds, up to the end of the current answer; bytes past it are left in
   * {@code in}. Does not release {@code in}. A malformed answer fails with a message naming the
   * problem.
   */
  public void feed(ByteBuf in) throws MalformedHttp {
    while (in.isReadable() && state != State.DONE) {
      switch (state) {
        case HEAD -> {
          if (!section.gather(in, MAX_HEAD_BYTES, 502, "the head")) {
            return;
          }
          head();
        }
        case LENGTH -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          remaining -= n;
          passOn.take(in, n);
          if (remaining == 0) {
            finish();
          }
        }
        case CHUNKED -> {
          // Trailer fields end at this hop: the client's answer is framed anew.
          if (chunks.feed(in, passOn)) {
            finish();
          }
        }
        case UNTIL_CLOSE -> handler.body(in.readRetainedSlice(in.readableBytes()));
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  private void finish() {
    state = State.DONE;
    handler.end();
  }

  // --- The head ---

  private void head() throws MalformedHttp {
    byte[] h = section.bytes();
    int end = section.length();
    int lineEnd = lineEnd(h, 0, end);
    int status = statusLine(h, lineEnd);
    if (status < 200) {
      if (status == 101) {
        throw new MalformedHttp("the replica switched protocols unasked");
      }
      // An interim answer (100 Continue, 103 Early Hints): the real one follows.
      section.start(false);
      return;
    }
    boolean http10 = h[7] == '0';
    HeaderLines lines = new HeaderLines(h, lineEnd, end);
    long contentLength = -1;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean eventStream = false;
    int codings = -1; // where the last transfer-encoding value starts, and its end
    int codingsEnd = -1;
    while (lines.next()) {
      int vs = lines.valueStart();
      int ve = lines.valueEnd();
      if (lines.named(CONTENT_LENGTH)) {
        contentLength = lines.contentLength(contentLength);
      } else if (lines.named(TRANSFER_ENCODING)) {
        codings = vs;
        codingsEnd = ve;
      } else if (lines.named(CONNECTION)) {
        close |= hasToken(h, vs, ve, CLOSE);
        keepAliveToken |= hasToken(h, vs, ve, KEEP_ALIVE);
      } else if (!lines.hopByHop()) {
        if (lines.named(CONTENT_TYPE)) {
          eventStream = startsWithIgnoreCase(h, vs, ve, EVENT_STREAM);
        }
        lines.keep();
      }
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
        nextState = State.CHUNKED;
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
            status, Arrays.copyOf(h, end), Math.min(13, lineEnd), lineEnd, lines.kept(), lines.keptCount(), length,
            !bodyless,
            keepAlive, eventStream);
    remaining = length;
    state = nextState;
    if (nextState == State.CHUNKED) {
      chunks.start();
    }
    handler.head(response);
    if (nextState == State.DONE) {
      handler.end();
    }
  }

  /** The status code of {@code HTTP/1.x SP 3DIGIT SP reason} (the reason may be empty, its space too). */
  private static int statusLine(byte[] h, int end) throws MalformedHttp {
    if (end < 12 || h[0] != 'H' || h[1] != 'T' || h[2] != 'T' || h[3] != 'P' || h[4] != '/' || h[5] != '1'
        || h[6] != '.' || h[8] != ' ' || (end > 12 && h[12] != ' ')) {
      throw new MalformedHttp("bad status line `" + shown(h, 0, end) + "`");
    }
    if (h[7] != '0' && h[7] != '1') {
      throw new MalformedHttp("unsupported version in `" + shown(h, 0, end) + "`");
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      if (h[i] < '0' || h[i] > '9') {
        throw new MalformedHttp("bad status code in `" + shown(h, 0, end) + "`");
      }
      code = code * 10 + (h[i] - '0');
    }
    if (code < 100) {
      throw new MalformedHttp("bad status code in `" + shown(h, 0, end) + "`");
    }
    if (hasControl(h, 13, end)) {
      throw new MalformedHttp("control character in the status line `" + shown(h, 0, end) + "`");
    }
    return code;
  }

}
