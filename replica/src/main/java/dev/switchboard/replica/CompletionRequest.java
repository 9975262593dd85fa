package dev.switchboard.replica;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the replica reads from a completion request body; everything else (sampling parameters,
 * {@code priority}, tools) is accepted and ignored, as the simulated model generates no real text.
 *
 * <p>Prompt length is estimated as {@code ceil(characters / 4)}, the usual rule of thumb for English
 * with a BPE tokenizer, over the message contents (chat) or the prompt (completions); a prompt given
 * as token ids counts exactly. Chat templates add a few tokens in vLLM; the estimate leaves them out.
 *
 * @param endpoint which API it came in on
 * @param model the model it names; empty means the served one, as vLLM allows
 * @param maxTokens the output budget it asks for; empty means the server's default
 * @param stream whether to answer as server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk
 * @param promptTokens estimated prompt length
 */
record CompletionRequest(
    Endpoint endpoint,
    Optional<String> model,
    OptionalInt maxTokens,
    boolean stream,
    boolean includeUsage,
    int promptTokens) {

  /** The two OpenAI completion APIs vLLM serves. */
  enum Endpoint {
    CHAT("chat.completion", "chat.completion.chunk", "chatcmpl-"),
    TEXT("text_completion", "text_completion", "cmpl-");

    final String object;
    final String chunkObject;
    final String idPrefix;

    Endpoint(String object, String chunkObject, String idPrefix) {
      this.object = object;
      this.chunkObject = chunkObject;
      this.idPrefix = idPrefix;
    }
  }

  static final int CHARS_PER_TOKEN = 4;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static CompletionRequest parse(Endpoint endpoint, byte[] body) throws InvalidRequest {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new InvalidRequest("Invalid JSON body: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.");
    }
    Optional<String> model = optionalString(root, "model");
    OptionalInt maxTokens = maxTokens(endpoint, root);
    boolean stream = optionalBoolean(root, "stream");
    boolean includeUsage = false;
    JsonNode options = root.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!options.isObject()) {
        throw new InvalidRequest("stream_options must be an object.");
      }
      includeUsage = optionalBoolean(options, "include_usage");
    }
    int prompt = endpoint == Endpoint.CHAT ? chatPromptTokens(root) : textPromptTokens(root);
    return new CompletionRequest(endpoint, model, maxTokens, stream, includeUsage, prompt);
  }

  /** {@code ceil(chars / 4)}: see the class comment. */
  static int estimateTokens(long chars) {
    return (int) Math.min(Integer.MAX_VALUE, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
  }

  private static OptionalInt maxTokens(Endpoint endpoint, JsonNode root) throws InvalidRequest {
    // Chat prefers max_completion_tokens (OpenAI deprecated max_tokens there), as vLLM does.
    if (endpoint == Endpoint.CHAT) {
      OptionalInt completion = optionalPositiveInt(root, "max_completion_tokens");
      if (completion.isPresent()) {
        return completion;
      }
    }
    return optionalPositiveInt(root, "max_tokens");
  }

  private static int chatPromptTokens(JsonNode root) throws InvalidRequest {
    JsonNode messages = root.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequest("messages must be a non-empty array.");
    }
    long chars = 0;
    for (JsonNode message : messages) {
      if (!message.isObject()) {
        throw new InvalidRequest("each message must be an object.");
      }
      JsonNode content = message.get("content");
      if (content == null || content.isNull()) {
        continue; // an assistant turn with tool calls only
      }
      if (content.isTextual()) {
        chars += length(content.textValue());
      } else if (content.isArray()) {
        for (JsonNode part : content) {
          JsonNode text = part.get("text");
          if (text != null && text.isTextual()) {
            chars += length(text.textValue());
          }
        }
      } else {
        throw new InvalidRequest("message content must be a string or an array of parts.");
      }
    }
    return estimateTokens(chars);
  }

  private static int textPromptTokens(JsonNode root) throws InvalidRequest {
    JsonNode prompt = root.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw new InvalidRequest("prompt is required.");
    }
    if (prompt.isTextual()) {
      return estimateTokens(length(prompt.textValue()));
    }
    if (prompt.isArray()) {
      if (prompt.size() == 1 && prompt.get(0).isTextual()) {
        return estimateTokens(length(prompt.get(0).textValue()));
      }
      boolean tokenIds = true;
      for (JsonNode id : prompt) {
        tokenIds &= id.isIntegralNumber();
      }
      if (tokenIds) {
        return prompt.size();
      }
    }
    throw new InvalidRequest("prompt must be a string, a list of token ids, or a list of one string.");
  }

  private static Optional<String> optionalString(JsonNode root, String field) throws InvalidRequest {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new InvalidRequest(field + " must be a string.");
    }
    return Optional.of(node.textValue());
  }

  private static boolean optionalBoolean(JsonNode root, String field) throws InvalidRequest {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new InvalidRequest(field + " must be a boolean.");
    }
    return node.booleanValue();
  }

  private static OptionalInt optionalPositiveInt(JsonNode root, String field) throws InvalidRequest {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return OptionalInt.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
      throw new InvalidRequest(field + " must be an integer >= 1, was " + node);
    }
    return OptionalInt.of(node.intValue());
  }

  private static long length(String text) {
    return text.codePointCount(0, text.length());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
