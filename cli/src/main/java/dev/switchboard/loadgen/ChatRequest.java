package dev.switchboard.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.workload.Arrival;

/** The body of one {@code POST /v1/chat/completions} for an arrival. */
final class ChatRequest {
  /** The usual rule of thumb for English text and BPE tokenizers. */
  static final int CHARS_PER_TOKEN = 4;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORDS =
      "the quick brown fox jumps over a lazy dog while seven bold wizards quietly vex the jolly"
          + " king and pack my box with five dozen liquor jugs ";

  private final String model;
  private final boolean stream;
  private final int maxTokens;

  /** @param maxTokens {@code max_tokens} for every request, or 0 for each arrival's output size */
  ChatRequest(String model, boolean stream, int maxTokens) {
    this.model = model;
    this.stream = stream;
    this.maxTokens = maxTokens;
  }

  byte[] body(Arrival a) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    root.putArray("messages")
        .addObject()
        .put("role", "user")
        .put("content", prompt(a.id(), a.promptTokens()));
    root.put("max_tokens", maxTokens > 0 ? maxTokens : a.outputTokens());
    root.put("stream", stream);
    if (stream) {
      root.putObject("stream_options").put("include_usage", true);
    }
    root.put("user", a.tenant());
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /**
   * About {@code tokens} tokens of text. It starts with the request id so prompts differ from the
   * first token: identical prompts would all hit a prefix cache and flatter the server.
   */
  static String prompt(long id, int tokens) {
    int length = tokens * CHARS_PER_TOKEN;
    StringBuilder sb = new StringBuilder(length + WORDS.length());
    sb.append("Request ").append(id).append(": ");
    while (sb.length() < length) {
      sb.append(WORDS);
    }
    sb.setLength(length);
    return sb.toString();
  }
}
