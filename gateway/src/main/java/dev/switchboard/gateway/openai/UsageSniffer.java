package dev.switchboard.gateway.openai;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the token usage in a response passing through, without holding any of it: a small state
 * machine watches for the JSON keys {@code "prompt_tokens"} and {@code "completion_tokens"} and the
 * number after each, and keeps the last value of each. That is the {@code usage} of a completion,
 * or of the final usage chunk of a stream, wherever it stands and however the response is cut into
 * pieces.
 *
 * <p>It reads a byte array: a response held in native memory is first copied, a slice at a time,
 * into a scratch array of the thread's. One bulk copy and a plain loop over an array cost far less
 * than reading the buffer a byte at a time through {@code ByteBuf} (each read checked, and where
 * Netty does not use {@code Unsafe}, as on JDK 25 by default, checked again by {@code ByteBuffer}). Between
 * keys the loop looks for an underscore, eight bytes a step, and compares the bytes around it with
 * the keys at once; the byte-by-byte state machine only runs on the number after a key and where
 * a key is cut by the end of a piece.
 *
 * <p>A key inside a JSON string (generated text) cannot match: its quotes are escaped there.
 */
public final class UsageSniffer {
  private static final byte[][] KEYS = {
    "\"prompt_tokens\"".getBytes(StandardCharsets.US_ASCII),
    "\"completion_tokens\"".getBytes(StandardCharsets.US_ASCII)
  };
  private static final int LONGEST_KEY = Math.max(KEYS[0].length, KEYS[1].length);
  /** Where each key's underscore stands in it. */
  private static final int[] UNDERSCORE_AT = {
    new String(KEYS[0], StandardCharsets.US_ASCII).indexOf('_'), new String(KEYS[1], StandardCharsets.US_ASCII).indexOf('_')
  };
  private static final int MAX_DIGITS = 18;
  private static final int SCRATCH_BYTES = 8192;
  /** Eight bytes of an array read as one little-endian long: the first byte is the lowest. */
  private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  /** Eight underscores: the byte pattern {@link #indexOf} looks for. */
  static final long UNDERSCORES = ONES * '_';
  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[SCRATCH_BYTES];
        }
      };

  private enum State {
    /** Matching a key; {@link #matched} bytes of each key so far. */
    KEY,
    /** After a whole key: spaces, then a colon. */
    COLON,
    /** After the colon: spaces, then the first digit. */
    VALUE,
    /** In the number. */
    DIGITS
  }

  private State state = State.KEY;
  private final int[] matched = new int[KEYS.length];
  private int key;
  private long value;
  private int digits;
  private final long[] last = {-1, -1};

  /** Feeds the next piece of the response; reads it without consuming it. */
  public void accept(ByteBuf chunk) {
    int from = chunk.readerIndex();
    int end = chunk.writerIndex();
    if (chunk.hasArray()) {
      int offset = chunk.arrayOffset();
      scan(chunk.array(), offset + from, offset + end);
      return;
    }
    byte[] scratch = SCRATCH.get();
    while (from < end) {
      int length = Math.min(scratch.length, end - from);
      chunk.getBytes(from, scratch, 0, length);
      scan(scratch, 0, length);
      from += length;
    }
  }

  private void scan(byte[] bytes, int from, int end) {
    int i = from;
    while (i < end) {
      if (state != State.KEY || matched[0] != 0 || matched[1] != 0) {
        step(bytes[i++]);
        continue;
      }
      // Nothing under way. Both keys hold an underscore, a rare byte in a completion: look for
      // one and compare the bytes around it with the keys, for keys that lie whole in [i, end).
      int u = i;
      int k = -1;
      while ((u = indexOf(bytes, u, end, UNDERSCORES)) < end && (k = keyAround(bytes, u, i, end)) < 0) {
        u++;
      }
      if (k >= 0) {
        key = k;
        state = State.COLON;
        i = u - UNDERSCORE_AT[k] + KEYS[k].length;
        continue;
      }
      // None whole: what remains is a key cut by the end of this piece, which can only start in
      // its last bytes. The state machine reads those and carries the match into the next piece.
      for (int t = Math.max(i, end - (LONGEST_KEY - 1)); t < end; t++) {
        step(bytes[t]);
      }
      return;
    }
  }

  /**
   * The key whose underscore is {@code bytes[u]}, if the whole key lies in {@code bytes[from,
   * end)}; -1 if none does.
   */
  private static int keyAround(byte[] bytes, int u, int from, int end) {
    for (int k = 0; k < KEYS.length; k++) {
      byte[] name = KEYS[k];
      int start = u - UNDERSCORE_AT[k];
      if (start >= from && start + name.length <= end && Arrays.equals(bytes, start, start + name.length, name, 0, name.length)) {
        return k;
      }
    }
    return -1;
  }

  /**
   * The index of the first byte of {@code bytes[from, end)} equal to the one {@code pattern}
   * repeats eight times, or {@code end}.
   */
  static int indexOf(byte[] bytes, int from, int end, long pattern) {
    int i = from;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      // A byte equal to the pattern's is zero after the XOR; the classic zero-byte test marks it
      // in its high bit. Marks can be wrong only above a true zero byte, so the lowest mark is right.
      long x = (long) EIGHT_BYTES.get(bytes, i) ^ pattern;
      long marks = (x - ONES) & ~x & HIGH_BITS;
      if (marks != 0) {
        return i + (Long.numberOfTrailingZeros(marks) >>> 3);
      }
    }
    byte b = (byte) pattern;
    for (; i < end; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return end;
  }

  private void step(byte b) {
    switch (state) {
      case KEY -> matchKeys(b);
      case COLON -> {
        if (b == ':') {
          state = State.VALUE;
        } else if (!isSpace(b)) {
          restart(b);
        }
      }
      case VALUE -> {
        if (b >= '0' && b <= '9') {
          state = State.DIGITS;
          value = b - '0';
          digits = 1;
        } else if (!isSpace(b)) {
          restart(b);
        }
      }
      case DIGITS -> {
        if (b >= '0' && b <= '9' && digits < MAX_DIGITS) {
          value = value * 10 + (b - '0');
          digits++;
        } else {
          last[key] = value;
          restart(b);
        }
      }
    }
  }

  private void matchKeys(byte b) {
    for (int k = 0; k < KEYS.length; k++) {
      byte[] name = KEYS[k];
      int m = matched[k];
      // A key begins with a quote, which occurs nowhere else in it: on a mismatch, only that
      // quote can start a new match.
      m = name[m] == b ? m + 1 : (b == '"' ? 1 : 0);
      if (m == name.length) {
        key = k;
        state = State.COLON;
        matched[0] = 0;
        matched[1] = 0;
        return;
      }
      matched[k] = m;
    }
  }

  /** Back to looking for a key, from byte {@code b}. */
  private void restart(byte b) {
    state = State.KEY;
    matched[0] = 0;
    matched[1] = 0;
    matchKeys(b);
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /** prompt_tokens + completion_tokens of the last usage seen, or -1 when there was none. */
  public long totalTokens() {
    long prompt = last[0];
    long completion = last[1];
    if (state == State.DIGITS) {
      // The response ended on the number itself.
      if (key == 0) {
        prompt = value;
      } else {
        completion = value;
      }
    }
    if (prompt < 0 && completion < 0) {
      return -1;
    }
    return Math.max(0, prompt) + Math.max(0, completion);
  }
}
