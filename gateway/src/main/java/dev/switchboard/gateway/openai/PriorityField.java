package dev.switchboard.gateway.openai;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Adds vLLM's {@code priority} field to a request body, so that vLLM's own priority scheduling
 * agrees with the gateway's admission queue (lower runs earlier in both).
 */
public final class PriorityField {
  private PriorityField() {}

  /**
   * A new buffer: {@code body} (a JSON object, as checked by {@link RequestFields}) with
   * {@code "priority":N} first. {@code body} is left as it was, for the caller to release.
   */
  public static ByteBuf insert(ByteBuf body, int priority) {
    byte[] bytes = ByteBufUtil.getBytes(body);
    String head = "{\"priority\":" + priority;
    int i = 0;
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    // Just past the opening brace; a comma unless the object is empty.
    int j = i + 1;
    while (j < bytes.length && Character.isWhitespace(bytes[j])) {
      j++;
    }
    boolean empty = j < bytes.length && bytes[j] == '}';
    ByteBuf out = body.alloc().buffer(bytes.length + head.length() + 1);
    out.writeCharSequence(head, StandardCharsets.US_ASCII);
    if (!empty) {
      out.writeByte(',');
    }
    out.writeBytes(bytes, i + 1, bytes.length - i - 1);
    return out;
  }
}
