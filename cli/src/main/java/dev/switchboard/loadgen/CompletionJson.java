package dev.switchboard.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads what loadgen needs from OpenAI chat-completion JSON: content chunks and token usage. */
final class CompletionJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CompletionJson() {}

  /**
   * Whether a streamed chunk carries generated text. The first chunk (role only) and the final
   * usage chunk carry none; reasoning text counts, since the model generated it.
   */
  static boolean carriesContent(String eventData) {
    JsonNode root;
    try {
      root = JSON.readTree(eventData);
    } catch (JsonProcessingException e) {
      return false;
    }
    if (root == null) {
      return false;
    }
    for (JsonNode choice : root.path("choices")) {
      JsonNode delta = choice.path("delta");
      if (nonEmpty(delta.path("content"))
          || nonEmpty(delta.path("reasoning_content"))
          || nonEmpty(choice.path("text"))) {
        return true;
      }
    }
    return false;
  }

  /** {@code usage.completion_tokens} of a whole response body, or 0 when it has none. */
  static long completionTokens(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      return root == null ? 0 : Math.max(0, root.path("usage").path("completion_tokens").asLong(0));
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean nonEmpty(JsonNode text) {
    return text.isTextual() && !text.asText().isEmpty();
  }
}
