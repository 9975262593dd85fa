package dev.switchboard.gateway.http;

import io.netty.buffer.ByteBuf;

/**
 * Reads a chunked body (RFC 9112 §7.1) from the bytes of a connection, however they are split:
 * hands on the chunks' data and drops the framing, extensions and trailers, since the body is
 * framed anew for the next hop. Strict about sizes and line ends, so that one message cannot bleed
 * into the next.
 */
public final class ChunkedBody {
  /** Longest chunk-size line (size and extensions) or trailer section accepted. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  /** Takes data bytes as they are read. */
  public interface Data {
    /** Reads exactly {@code n} bytes (n > 0) of data from {@code in}. */
    void take(ByteBuf in, int n);
  }

  private enum State {
    SIZE, EXTENSION, DATA, DATA_END, TRAILERS, DONE
  }

  private final HeadSection trailers;
  private State state = State.DONE;
  /** Data bytes left in the current chunk. */
  private long remaining;
  /** Hex digits of the chunk size read so far, and bytes of its line. */
  private int sizeDigits;
  private int sizeLineBytes;

  /** {@code trailers} gathers the trailer section; it may be shared with the head's reader. */
  ChunkedBody(HeadSection trailers) {
    this.trailers = trailers;
  }

  void start() {
    state = State.SIZE;
    remaining = 0;
    sizeDigits = 0;
    sizeLineBytes = 0;
  }

  /** Reads what {@code in} holds up to the body's end; true once it has ended. */
  boolean feed(ByteBuf in, Data data) throws MalformedHttp {
    while (in.isReadable() && state != State.DONE) {
      switch (state) {
        case SIZE -> size(in);
        case EXTENSION -> {
          int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
          int n = (lf < 0 ? in.writerIndex() : lf + 1) - in.readerIndex();
          countSizeLine(n);
          for (int i = 0; i < n; i++) {
            byte b = in.getByte(in.readerIndex() + i);
            if (Http1Syntax.control(b) && b != '\r' && b != '\n') {
              throw new MalformedHttp("control character in a chunk extension");
            }
          }
          in.skipBytes(n);
          if (lf >= 0) {
            endOfSizeLine();
          }
        }
        case DATA -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          remaining -= n;
          data.take(in, n);
          if (remaining == 0) {
            state = State.DATA_END;
          }
        }
        case DATA_END -> {
          byte b = in.readByte();
          if (b == '\n') {
            start();
          } else if (b != '\r' || sizeLineBytes++ > 0) {
            throw new MalformedHttp("a chunk is longer than its size");
          }
        }
        case TRAILERS -> {
          if (trailers.gather(in, MAX_LINE_BYTES, 400, "the trailer section")) {
            state = State.DONE;
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return state == State.DONE;
  }

  private void size(ByteBuf in) throws MalformedHttp {
    while (in.isReadable()) {
      byte b = in.readByte();
      countSizeLine(1);
      int digit = Character.digit(b, 16);
      if (digit >= 0) {
        if (++sizeDigits > 15) {
          throw new MalformedHttp("chunk size too large");
        }
        remaining = remaining * 16 + digit;
      } else if (sizeDigits > 0 && (b == ';' || b == ' ' || b == '\t' || b == '\r')) {
        state = State.EXTENSION;
        return;
      } else if (sizeDigits > 0 && b == '\n') {
        endOfSizeLine();
        return;
      } else {
        throw new MalformedHttp("bad chunk size");
      }
    }
  }

  private void countSizeLine(int n) throws MalformedHttp {
    sizeLineBytes += n;
    if (sizeLineBytes > MAX_LINE_BYTES) {
      throw new MalformedHttp("a chunk-size line is longer than " + MAX_LINE_BYTES + " bytes");
    }
  }

  private void endOfSizeLine() {
    if (remaining == 0) {
      state = State.TRAILERS;
      trailers.start(true);
    } else {
      state = State.DATA;
      sizeLineBytes = 0;
    }
  }
}
