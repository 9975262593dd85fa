package dev.switchboard.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.Arrays;

/**
 * Gathers a head (or a trailer section) from the bytes of a connection, however they are split,
 * up to the empty line that ends it. The bytes are copied out so that the buffers read can go back
 * to the pool at once; a head is a few hundred bytes.
 */
final class HeadSection {
  private byte[] bytes = new byte[1024];
  private int length;
  /** The line being read has nothing in it yet (but a carriage return). */
  private boolean lineEmpty;
  private final ByteProcessor end =
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

  /** Starts a section; {@code atLineStart} when an empty line at once ends it (trailers). */
  void start(boolean atLineStart) {
    length = 0;
    lineEmpty = atLineStart;
  }

  /**
   * Copies bytes from {@code in} until the empty line that ends the section, which is consumed;
   * true once it has ended. More than {@code limit} bytes fail with {@code status}.
   */
  boolean gather(ByteBuf in, int limit, int status, String what) throws MalformedHttp {
    int start = in.readerIndex();
    int lf = in.forEachByte(end);
    int n = (lf < 0 ? in.writerIndex() : lf + 1) - start;
    if (length + n > limit) {
      throw new MalformedHttp(status, what + " is longer than " + limit + " bytes");
    }
    if (length + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
    }
    in.readBytes(bytes, length, n);
    length += n;
    return lf >= 0;
  }

  /** The bytes gathered, from 0 to {@link #length()}; the array is reused for the next section. */
  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }
}
