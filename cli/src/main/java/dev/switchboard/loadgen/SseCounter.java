package dev.switchboard.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses a server-sent-event stream fed in arbitrary pieces and counts the events that carry
 * generated text. Lines are cut on bytes, not characters, so a piece may end anywhere: inside a
 * line, between CR and LF, or inside a multi-byte character.
 */
final class SseCounter {
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean skipLf;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private long events;
  private long contentEvents;
  private boolean done;

  /** Feeds the next piece; returns how many content-carrying events it completed. */
  int feed(byte[] bytes) {
    int before = (int) contentEvents;
    for (byte b : bytes) {
      if (skipLf && b == '\n') {
        skipLf = false;
        continue;
      }
      skipLf = false;
      if (b == '\r' || b == '\n') {
        skipLf = b == '\r';
        endLine();
      } else {
        append(b);
      }
    }
    return (int) contentEvents - before;
  }

  /**
   * Ends the stream: an event not closed by a blank line still counts (lenient, since some servers
   * omit the last one). Returns how many content-carrying events that completed.
   */
  int finish() {
    int before = (int) contentEvents;
    if (lineLength > 0) {
      endLine();
    }
    dispatch();
    return (int) contentEvents - before;
  }

  /** Events with data seen so far, including {@code [DONE]}. */
  long events() {
    return events;
  }

  /** Events that carried generated text: one per streamed token chunk. */
  long contentEvents() {
    return contentEvents;
  }

  /** Whether the {@code [DONE]} sentinel arrived. */
  boolean done() {
    return done;
  }

  private void append(byte b) {
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[lineLength++] = b;
  }

  private void endLine() {
    if (lineLength == 0) {
      dispatch();
      return;
    }
    String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
    lineLength = 0;
    if (text.startsWith(":")) {
      return; // a comment, e.g. a keep-alive ping
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    if (!field.equals("data")) {
      return; // event, id and retry do not matter for counting
    }
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (hasData) {
      data.append('\n');
    }
    data.append(value);
    hasData = true;
  }

  private void dispatch() {
    if (!hasData) {
      return;
    }
    String payload = data.toString();
    data.setLength(0);
    hasData = false;
    events++;
    if (payload.equals("[DONE]")) {
      done = true;
    } else if (CompletionJson.carriesContent(payload)) {
      contentEvents++;
    }
  }
}
