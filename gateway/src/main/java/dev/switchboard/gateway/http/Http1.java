package dev.switchboard.gateway.http;

import static dev.switchboard.gateway.http.Http1Syntax.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Writes HTTP/1.1 heads and chunk framing straight into buffers. The data plane writes every head it
 * sends this way, both to clients and to replicas: going through Netty's message objects and
 * encoders (a header map built, hashed and validated, then copied out) cost several microseconds a
 * request. Values are written as ISO-8859-1, as HTTP/1.1 carries them; what is written was either
 * read from a connection already (and so has no line breaks) or is the gateway's own.
 *
 * <p>Everything goes out in runs of bytes, never a byte or a character at a time: on a pooled
 * native buffer each single-byte write checks the buffer's reference count and address again.
 */
public final class Http1 {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COLON_SPACE = {':', ' '};
  private static final byte[] SPACE_HTTP_1_1_CRLF = ascii(" HTTP/1.1\r\n");
  private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
  private static final byte[] HEX = ascii("0123456789abcdef");
  /** {@code HTTP/1.1 NNN Reason} and a line break, for each status from 100 to 599, made once. */
  private static final byte[][] STATUS_LINES = new byte[600][];
  /** {@code HTTP/1.1 NNN }: the start of a relayed answer's status line, for each status. */
  private static final byte[][] STATUS_STARTS = new byte[600][];

  static {
    for (int status = 100; status < 600; status++) {
      STATUS_STARTS[status] = ascii("HTTP/1.1 " + status + " ");
      STATUS_LINES[status] = ascii("HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n");
    }
  }

  private Http1() {}

  /** {@code HTTP/1.1 200 OK}, with the standard reason phrase. */
  public static void statusLine(ByteBuf out, int status) {
    out.writeBytes(status < STATUS_LINES.length ? STATUS_LINES[status] : statusLineOf(status));
  }

  /** The status line of a relayed answer, with the replica's reason phrase if it gave one. */
  public static void statusLine(ByteBuf out, ReplicaResponse head) {
    int status = head.status();
    if (!head.hasReason()) {
      statusLine(out, status);
      return;
    }
    out.writeBytes(status < STATUS_STARTS.length ? STATUS_STARTS[status] : ascii("HTTP/1.1 " + status + " "));
    head.writeReason(out);
    out.writeBytes(CRLF);
  }

  private static byte[] statusLineOf(int status) {
    return ascii("HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n");
  }

  /** {@code POST /v1/chat/completions HTTP/1.1}. */
  public static void requestLine(ByteBuf out, CharSequence method, CharSequence uri) {
    text(out, method);
    out.writeByte(' ');
    text(out, uri);
    out.writeBytes(SPACE_HTTP_1_1_CRLF);
  }

  public static void header(ByteBuf out, CharSequence name, CharSequence value) {
    text(out, name);
    out.writeBytes(COLON_SPACE);
    text(out, value);
    out.writeBytes(CRLF);
  }

  public static void header(ByteBuf out, CharSequence name, long value) {
    text(out, name);
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
  public static void endOfHead(ByteBuf out) {
    out.writeBytes(CRLF);
  }

  /** The line that opens a chunk of {@code size} bytes. */
  public static void chunkStart(ByteBuf out, int size) {
    int digits = 1;
    for (int rest = size >>> 4; rest != 0; rest >>>= 4) {
      digits++;
    }
    out.ensureWritable(digits + 2);
    int at = out.writerIndex() + digits;
    out.setByte(at, '\r');
    out.setByte(at + 1, '\n');
    do {
      out.setByte(--at, HEX[size & 0xf]);
      size >>>= 4;
    } while (size != 0);
    out.writerIndex(out.writerIndex() + digits + 2);
  }

  /** The line break that closes a chunk's data. */
  public static void chunkEnd(ByteBuf out) {
    out.writeBytes(CRLF);
  }

  /** The zero-size chunk and empty trailer section that end a chunked body. */
  public static void lastChunk(ByteBuf out) {
    out.writeBytes(LAST_CHUNK);
  }

  /** Text as ISO-8859-1 bytes, in one write (a string's bytes are one array copy on a compact string). */
  private static void text(ByteBuf out, CharSequence s) {
    if (s instanceof AsciiString a) {
      out.writeBytes(a.array(), a.arrayOffset(), a.length());
    } else {
      out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    }
  }

  private static void decimal(ByteBuf out, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a header number must be >= 0, was " + n);
    }
    // Digits written in place from the last: no scratch array for every number written.
    int length = 1;
    for (long rest = n / 10; rest != 0; rest /= 10) {
      length++;
    }
    out.ensureWritable(length);
    int at = out.writerIndex() + length;
    do {
      out.setByte(--at, '0' + (int) (n % 10));
      n /= 10;
    } while (n != 0);
    out.writerIndex(out.writerIndex() + length);
  }

}
