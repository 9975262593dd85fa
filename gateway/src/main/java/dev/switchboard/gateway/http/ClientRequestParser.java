package dev.switchboard.gateway.http;

import static dev.switchboard.gateway.http.Http1Syntax.ascii;
import static dev.switchboard.gateway.http.Http1Syntax.hasToken;
import static dev.switchboard.gateway.http.Http1Syntax.lineEnd;
import static dev.switchboard.gateway.http.Http1Syntax.shown;
import static dev.switchboard.gateway.http.Http1Syntax.text;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Reads clients' HTTP/1.1 (and 1.0) requests from the bytes of their connection: each head into a
 * {@link ClientRequest}, then its body, by its length or its chunks. Netty's general decoder built
 * a header map (each name and value a string, hashed and validated) and a message per piece for
 * this; the data plane looks at five headers and forwards the rest as bytes.
 *
 * <p>Strict about the framing, since a gateway that reads a request's end differently from
 * whatever stands in front of it lets one request hide inside another (request smuggling). Refused
 * with a message naming the problem: content-length beside transfer-encoding, conflicting lengths,
 * any transfer coding but chunked (501), folded or nameless header lines, a space before a colon,
 * control characters such as a bare carriage return, more than one host or key, a missing host in
 * HTTP/1.1, and versions other than 1.0 and 1.1 (505). Used from one event loop.
 */
public final class ClientRequestParser {
  /** Longest head accepted, request line and headers together (431 beyond). */
  static final int MAX_HEAD_BYTES = 16 * 1024;

  private static final byte[] AUTHORIZATION = ascii("authorization");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] EXPECT = ascii("expect");
  private static final byte[] HOST = ascii("host");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[] CONTINUE = ascii("100-continue");
  private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");
  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
  private static final byte[] HTTP = ascii("HTTP/");
  private static final byte[] NOTHING = {};

  private final HeadSection section = new HeadSection();
  private final ChunkedBody chunks = new ChunkedBody(section);
  /** A head is being gathered (its first byte has come). */
  private boolean inHead;
  /** The current body: chunked, else the bytes left of its length. */
  private boolean chunked;
  private long remaining;

  /**
   * Reads a request's head from {@code in}: the request once its head is whole, else null (what
   * came is kept). Its body is read next, with {@link #body}.
   */
  public ClientRequest head(ByteBuf in) throws MalformedHttp {
    if (!inHead) {
      // RFC 9112 §2.2: empty lines before a request line are ignored.
      byte b;
      while (in.isReadable() && ((b = in.getByte(in.readerIndex())) == '\r' || b == '\n')) {
        in.skipBytes(1);
      }
      if (!in.isReadable()) {
        return null;
      }
      inHead = true;
      section.start(false);
    }
    if (!section.gather(in, MAX_HEAD_BYTES, 431, "the request head")) {
      return null;
    }
    inHead = false;
    ClientRequest request = parse(section.bytes(), section.length());
    chunked = request.chunked();
    remaining = chunked ? 0 : request.contentLength();
    if (chunked) {
      chunks.start();
    }
    return request;
  }

  /**
   * Reads the body of the request read last, handing its bytes to {@code data}; true once it has
   * ended (at once for a request without one). Bytes past its end are left in {@code in}.
   */
  public boolean body(ByteBuf in, ChunkedBody.Data data) throws MalformedHttp {
    if (chunked) {
      return chunks.feed(in, data);
    }
    int n = (int) Math.min(remaining, in.readableBytes());
    if (n > 0) {
      remaining -= n;
      data.take(in, n);
    }
    return remaining == 0;
  }

  private static ClientRequest parse(byte[] h, int end) throws MalformedHttp {
    int lineEnd = lineEnd(h, 0, end);
    // Request line: method SP request-target SP HTTP-version, one space each.
    int sp1 = 0;
    while (sp1 < lineEnd && Http1Syntax.token(h[sp1])) {
      sp1++;
    }
    if (sp1 == 0 || sp1 == lineEnd || h[sp1] != ' ') {
      throw new MalformedHttp("bad request line `" + shown(h, 0, lineEnd) + "`");
    }
    int sp2 = sp1 + 1;
    while (sp2 < lineEnd && h[sp2] > ' ' && h[sp2] < 0x7f) {
      sp2++;
    }
    if (sp2 == sp1 + 1 || sp2 == lineEnd || h[sp2] != ' ') {
      throw new MalformedHttp("bad request line `" + shown(h, 0, lineEnd) + "`");
    }
    boolean http11 = version(h, sp2 + 1, lineEnd);
    String method = method(h, sp1);
    String uri = originForm(h, sp1 + 1, sp2);

    HeaderLines lines = new HeaderLines(h, lineEnd, end);
    long contentLength = -1;
    int codings = -1; // where the transfer-encoding value starts, and its end
    int codingsEnd = -1;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean otherConnectionOptions = false;
    boolean expectContinue = false;
    int hosts = 0;
    String authorization = null;
    while (lines.next()) {
      int vs = lines.valueStart();
      int ve = lines.valueEnd();
      if (lines.named(CONTENT_LENGTH)) {
        contentLength = lines.contentLength(contentLength);
      } else if (lines.named(TRANSFER_ENCODING)) {
        if (codings >= 0) {
          throw new MalformedHttp("more than one transfer-encoding header");
        }
        codings = vs;
        codingsEnd = ve;
      } else if (lines.named(HOST)) {
        hosts++;
      } else if (lines.named(AUTHORIZATION)) {
        if (authorization != null) {
          throw new MalformedHttp("more than one authorization header");
        }
        authorization = text(h, vs, ve);
      } else if (lines.named(CONNECTION)) {
        close |= hasToken(h, vs, ve, CLOSE);
        keepAliveToken |= hasToken(h, vs, ve, KEEP_ALIVE);
        otherConnectionOptions |= namesOtherOptions(h, vs, ve);
      } else if (lines.named(EXPECT)) {
        expectContinue |= hasToken(h, vs, ve, CONTINUE);
      } else if (!lines.hopByHop()) {
        lines.keep();
      }
    }
    if (hosts > 1) {
      throw new MalformedHttp("more than one host header");
    }
    if (hosts == 0 && http11) {
      // RFC 9112 §3.2.
      throw new MalformedHttp("an HTTP/1.1 request without a host header");
    }
    boolean chunked = false;
    if (codings >= 0) {
      if (!http11) {
        // RFC 9112 §6.1: an HTTP/1.0 message with a transfer-encoding has faulty framing.
        throw new MalformedHttp("transfer-encoding in an HTTP/1.0 request");
      }
      if (contentLength >= 0) {
        throw new MalformedHttp("both content-length and transfer-encoding; send one");
      }
      if (!Http1Syntax.onlyChunked(h, codings, codingsEnd)) {
        throw new MalformedHttp(501, "transfer-encoding `" + shown(h, codings, codingsEnd) + "` is not supported; send chunked or a content-length");
      }
      chunked = true;
    }
    if (otherConnectionOptions) {
      // RFC 9110 §7.6.1: the headers a connection header names are for this hop alone. Rare, so
      // found in a second walk, once every connection header is known.
      HeaderLines again = new HeaderLines(h, lineEnd, end);
      while (again.next()) {
        if (again.named(CONNECTION)) {
          lines.dropNamedIn(again.valueStart(), again.valueEnd());
        }
      }
    }
    boolean keepAlive = http11 ? !close : keepAliveToken && !close;
    return new ClientRequest(
        method, uri, http11, keepAlive, expectContinue, chunked ? -1 : Math.max(0, contentLength), chunked,
        authorization, Arrays.copyOf(h, end), lines.kept(), lines.keptCount());
  }

  /** True for HTTP/1.1, false for HTTP/1.0; any other version is refused. */
  private static boolean version(byte[] h, int from, int end) throws MalformedHttp {
    if (end - from == 8 && Arrays.equals(h, from, end, HTTP_1_1, 0, 8)) {
      return true;
    }
    if (end - from == 8 && Arrays.equals(h, from, end, HTTP_1_0, 0, 8)) {
      return false;
    }
    if (end - from == 8 && Arrays.equals(h, from, from + 5, HTTP, 0, 5) && Character.isDigit(h[from + 5])
        && h[from + 6] == '.' && Character.isDigit(h[from + 7])) {
      throw new MalformedHttp(505, "HTTP version `" + shown(h, from, end) + "` is not supported; use HTTP/1.1");
    }
    throw new MalformedHttp("bad request line `" + shown(h, 0, end) + "`");
  }

  /** The method, as a constant for the usual ones. */
  private static String method(byte[] h, int end) {
    if (end == 4 && h[0] == 'P' && h[1] == 'O' && h[2] == 'S' && h[3] == 'T') {
      return "POST";
    }
    if (end == 3 && h[0] == 'G' && h[1] == 'E' && h[2] == 'T') {
      return "GET";
    }
    if (end == 4 && h[0] == 'H' && h[1] == 'E' && h[2] == 'A' && h[3] == 'D') {
      return "HEAD";
    }
    return text(h, 0, end);
  }

  /**
   * The target in origin form: as sent, or the path and query of an absolute-form target
   * ({@code http://host/path}), which RFC 9112 §3.2.2 says a server must accept.
   */
  private static String originForm(byte[] h, int from, int end) {
    if (h[from] != '/') {
      int scheme = from;
      while (scheme < end && h[scheme] != ':') {
        scheme++;
      }
      if (scheme + 2 < end && h[scheme + 1] == '/' && h[scheme + 2] == '/') {
        int path = scheme + 3;
        while (path < end && h[path] != '/' && h[path] != '?') {
          path++;
        }
        if (path == end || h[path] == '?') {
          return "/" + text(h, path, end);
        }
        from = path;
      }
    }
    return text(h, from, end);
  }

  /** Whether a connection header's value holds an option other than close and keep-alive. */
  private static boolean namesOtherOptions(byte[] h, int from, int end) {
    int start = from;
    for (int i = from; i <= end; i++) {
      if (i == end || h[i] == ',') {
        if (!Http1Syntax.trimmedEqualsIgnoreCase(h, start, i, NOTHING)
            && !Http1Syntax.trimmedEqualsIgnoreCase(h, start, i, CLOSE)
            && !Http1Syntax.trimmedEqualsIgnoreCase(h, start, i, KEEP_ALIVE)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }
}
