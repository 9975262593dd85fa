package dev.switchboard.gateway.ratelimit;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Finds the token usage in a response passing through, without holding the response: it keeps only
 * the last few kilobytes, where the {@code usage} object of a completion (or the final usage chunk
 * of a stream) is, and reads {@code prompt_tokens} and {@code completion_tokens} from the last
 * {@code "usage"} at the end.
 */
public final class UsageSniffer {
  private static final int TAIL = 4096;
  private final byte[] tail = new byte[TAIL];
  private int length;

  /** Feeds the next chunk of the response. */
  public void accept(ByteBuf chunk) {
    int from = chunk.readerIndex();
    int n = chunk.readableBytes();
    if (n >= TAIL) {
      chunk.getBytes(from + n - TAIL, tail, 0, TAIL);
      length = TAIL;
      return;
    }
    if (length + n > TAIL) {
      int keep = TAIL - n;
      System.arraycopy(tail, length - keep, tail, 0, keep);
      length = keep;
    }
    chunk.getBytes(from, tail, length, n);
    length += n;
  }

  /** prompt_tokens + completion_tokens of the last usage seen, or -1 when there was none. */
  public long totalTokens() {
    String text = new String(tail, 0, length, StandardCharsets.UTF_8);
    int at = text.lastIndexOf("\"usage\"");
    if (at < 0) {
      return -1;
    }
    String usage = text.substring(at);
    long prompt = number(usage, "\"prompt_tokens\"");
    long completion = number(usage, "\"completion_tokens\"");
    if (prompt < 0 && completion < 0) {
      return -1;
    }
    return Math.max(0, prompt) + Math.max(0, completion);
  }

  private static long number(String s, String field) {
    int at = s.indexOf(field);
    if (at < 0) {
      return -1;
    }
    int i = s.indexOf(':', at + field.length());
    if (i < 0) {
      return -1;
    }
    i++;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    long v = 0;
    int start = i;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 18) {
      v = v * 10 + (s.charAt(i) - '0');
      i++;
    }
    return i == start ? -1 : v;
  }
}
