package dev.switchboard.gateway.http;

import io.netty.buffer.ByteBuf;

/**
 * The request line and headers of a client's request, as {@link ClientRequestParser} read them.
 * The head's bytes are kept as received: the headers forwarded to a replica are copied from them
 * line by line, and only the values the gateway reads itself are made into strings.
 */
public final class ClientRequest {
  private final String method;
  private final String uri;
  private final boolean http11;
  private final boolean keepAlive;
  private final boolean expectContinue;
  private final long contentLength;
  private final boolean chunked;
  private final String authorization;
  private final byte[] head;
  /** Start and end (before the line break) of each header line forwarded, in turn. */
  private final int[] lines;
  private final int lineCount;

  ClientRequest(
      String method, String uri, boolean http11, boolean keepAlive, boolean expectContinue, long contentLength,
      boolean chunked, String authorization, byte[] head, int[] lines, int lineCount) {
    this.method = method;
    this.uri = uri;
    this.http11 = http11;
    this.keepAlive = keepAlive;
    this.expectContinue = expectContinue;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.authorization = authorization;
    this.head = head;
    this.lines = lines;
    this.lineCount = lineCount;
  }

  public String method() {
    return method;
  }

  public boolean isPost() {
    return method.equals("POST");
  }

  public boolean isGet() {
    return method.equals("GET");
  }

  /** A HEAD request, answered with the head alone. */
  public boolean isHead() {
    return method.equals("HEAD");
  }

  /** The target in origin form (path and query), whatever form the client sent it in. */
  public String uri() {
    return uri;
  }

  /** The target's path, without its query. */
  public String path() {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  /** HTTP/1.1; otherwise HTTP/1.0. */
  public boolean http11() {
    return http11;
  }

  /** Whether the client keeps the connection after the answer (its version's default, or its connection header). */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** The client waits for {@code 100 Continue} before it sends the body. */
  public boolean expectContinue() {
    return expectContinue;
  }

  /** The body's declared length: -1 when it is chunked, 0 when there is none. */
  public long contentLength() {
    return contentLength;
  }

  boolean chunked() {
    return chunked;
  }

  /** The authorization header's value, or null. */
  public String authorization() {
    return authorization;
  }

  /**
   * Writes the header lines to forward, each with its line break: all of the client's but the
   * hop-by-hop ones (and those its connection header names), and those the gateway sets itself for
   * its own hop: host, content-length, expect, and the caller's key.
   */
  public void writeForwardedHeaders(ByteBuf out) {
    Http1.lines(out, head, lines, lineCount);
  }
}
