package dev.switchboard.gateway.ratelimit;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Finds the token usage in a response passing through, without holding any of it: a small state
 * machine watches for the JSON keys {@code "prompt_tokens"} and {@code "completion_tokens"} and the
 * number after each, and keeps the last value of each. That is the {@code usage} of a completion,
 * or of the final usage chunk of a stream, wherever it stands and however the response is cut into
 * pieces. Between keys it jumps from quote to quote (Netty's byte search, several bytes a step):
 * stepping through every byte cost a tenth of the proxy's CPU.
 *
 * <p>A key inside a JSON string (generated text) cannot match: its quotes are escaped there.
 */
public final class UsageSniffer {
  private static final byte[][] KEYS = {
    "\"prompt_tokens\"".getBytes(StandardCharsets.US_ASCII),
    "\"completion_tokens\"".getBytes(StandardCharsets.US_ASCII)
  };
  private static final int MAX_DIGITS = 18;

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
    int i = chunk.readerIndex();
    int end = chunk.writerIndex();
    while (i < end) {
      if (state == State.KEY && matched[0] == 0 && matched[1] == 0) {
        // Nothing under way: only a quote can start a key.
        i = chunk.indexOf(i, end, (byte) '"');
        if (i < 0) {
          return;
        }
      }
      step(chunk.getByte(i++));
    }
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
