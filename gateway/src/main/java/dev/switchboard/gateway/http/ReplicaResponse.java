package dev.switchboard.gateway.http;

import io.netty.buffer.ByteBuf;

/**
 * The status line and headers of a replica's answer, as {@link ReplicaResponseParser} read them.
 * The head's bytes are kept as received: the headers passed on to the client are copied from them
 * line by line, with no header objects built in between.
 */
public final class ReplicaResponse {
  private final int status;
  private final byte[] head;
  private final int reasonStart;
  private final int reasonEnd;
  /** Start and end (before the line break) of each header line passed on, in turn. */
  private final int[] lines;
  private final int lineCount;
  private final long contentLength;
  private final boolean hasBody;
  private final boolean keepAlive;
  private final boolean eventStream;

  ReplicaResponse(
      int status, byte[] head, int reasonStart, int reasonEnd, int[] lines, int lineCount, long contentLength,
      boolean hasBody, boolean keepAlive, boolean eventStream) {
    this.status = status;
    this.head = head;
    this.reasonStart = reasonStart;
    this.reasonEnd = reasonEnd;
    this.lines = lines;
    this.lineCount = lineCount;
    this.contentLength = contentLength;
    this.hasBody = hasBody;
    this.keepAlive = keepAlive;
    this.eventStream = eventStream;
  }

  public int status() {
    return status;
  }

  /** The body's declared length, or -1 when it is chunked or runs to the close. */
  public long contentLength() {
    return contentLength;
  }

  /** False for answers that never have a body (204, 304). */
  public boolean hasBody() {
    return hasBody;
  }

  /** Whether the replica keeps the connection open after this answer. */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** A stream of server-sent events ({@code text/event-stream}), relayed piece by piece as it comes. */
  public boolean eventStream() {
    return eventStream;
  }

  boolean hasReason() {
    return reasonEnd > reasonStart;
  }

  /** Writes the reason phrase as received. */
  void writeReason(ByteBuf out) {
    out.writeBytes(head, reasonStart, reasonEnd - reasonStart);
  }

  /**
   * Writes the header lines to pass on, each with its line break: all of the replica's but the
   * hop-by-hop ones and those that frame the body ({@code content-length},
   * {@code transfer-encoding}), which the gateway writes itself for its own hop.
   */
  public void writeHeaders(ByteBuf out) {
    Http1.lines(out, head, lines, lineCount);
  }
}
