package dev.switchboard.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Writes HTTP/1.1 heads and chunk framing straight into buffers. The data plane writes every head it
 * sends this way, both to clients and to replicas: going through Netty's message objects and
 * encoders (a header map built, hashed and validated, then copied out) cost several microseconds a
 * request. Values are written as ISO-8859-1, as HTTP/1.1 carries them; what is written was either
 * read from a connection already (and so has no line breaks) or is the gateway's own.
 */
final class Http1 {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COLON_SPACE = {':', ' '};
  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1 ");
  private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
  private static final byte[] HEX = ascii("0123456789abcdef");

  private Http1() {}

  /** {@code HTTP/1.1 200 OK}, with the standard reason phrase. */
  static void statusLine(ByteBuf out, int status) {
    statusStart(out, status);
    ByteBufUtil.writeAscii(out, HttpResponseStatus.valueOf(status).reasonPhrase());
    out.writeBytes(CRLF);
  }

  /** The status line of a relayed answer, with the replica's reason phrase if it gave one. */
  static void statusLine(ByteBuf out, ReplicaResponse head) {
    statusStart(out, head.status());
    if (head.hasReason()) {
      head.writeReason(out);
    } else {
      ByteBufUtil.writeAscii(out, HttpResponseStatus.valueOf(head.status()).reasonPhrase());
    }
    out.writeBytes(CRLF);
  }

  private static void statusStart(ByteBuf out, int status) {
    out.writeBytes(HTTP_1_1);
    out.writeByte('0' + status / 100).writeByte('0' + status / 10 % 10).writeByte('0' + status % 10);
    out.writeByte(' ');
  }

  /** {@code POST /v1/chat/completions HTTP/1.1}. */
  static void requestLine(ByteBuf out, CharSequence method, CharSequence uri) {
    ByteBufUtil.writeAscii(out, method);
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, uri);
    out.writeByte(' ');
    out.writeBytes(HTTP_1_1, 0, HTTP_1_1.length - 1);
    out.writeBytes(CRLF);
  }

  static void header(ByteBuf out, CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeBytes(COLON_SPACE);
    ByteBufUtil.writeAscii(out, value);
    out.writeBytes(CRLF);
  }

  static void header(ByteBuf out, CharSequence name, long value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeBytes(COLON_SPACE);
    decimal(out, value);
    out.writeBytes(CRLF);
  }

  /**
   * Header lines as received: {@code lines} holds the start and end (before the line break) of
   * each in {@code head}, in turn; each is written with a line break of its own.
   */
  static void lines(ByteBuf out, byte[] head, int[] lines, int count) {
    for (int i = 0; i < count; i++) {
      int start = lines[2 * i];
      out.writeBytes(head, start, lines[2 * i + 1] - start);
      out.writeBytes(CRLF);
    }
  }

  /** The empty line that ends a head. */
  static void endOfHead(ByteBuf out) {
    out.writeBytes(CRLF);
  }

  /** The line that opens a chunk of {@code size} bytes. */
  static void chunkStart(ByteBuf out, int size) {
    int shift = 28;
    while (shift > 0 && (size >>> shift) == 0) {
      shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
      out.writeByte(HEX[(size >>> shift) & 0xf]);
    }
    out.writeBytes(CRLF);
  }

  /** The line break that closes a chunk's data. */
  static void chunkEnd(ByteBuf out) {
    out.writeBytes(CRLF);
  }

  /** The zero-size chunk and empty trailer section that end a chunked body. */
  static void lastChunk(ByteBuf out) {
    out.writeBytes(LAST_CHUNK);
  }

  private static void decimal(ByteBuf out, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a header number must be >= 0, was " + n);
    }
    long div = 1;
    while (n / div >= 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      out.writeByte((int) ('0' + n / div % 10));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
