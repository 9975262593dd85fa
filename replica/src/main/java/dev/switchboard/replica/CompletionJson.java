package dev.switchboard.replica;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.replica.CompletionRequest.Endpoint;

/**
 * The OpenAI JSON of one completion, whole or as stream chunks. Chunks are one per token, so they
 * are assembled from a prefix quoted once ({@code id}, {@code object}, {@code created},
 * {@code model}) rather than by serialising a tree each time.
 */
final class CompletionJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Endpoint endpoint;
  /** {@code {"id":…,"object":…,"created":…,"model":…} } without its closing brace, for chunks. */
  private final String chunkHead;
  private final String bodyHead;

  CompletionJson(Endpoint endpoint, String id, long createdSeconds, String model) {
    this.endpoint = endpoint;
    String tail = ",\"created\":" + createdSeconds + ",\"model\":" + quote(model);
    this.chunkHead = "{\"id\":" + quote(id) + ",\"object\":\"" + endpoint.chunkObject + "\"" + tail;
    this.bodyHead = "{\"id\":" + quote(id) + ",\"object\":\"" + endpoint.object + "\"" + tail;
  }

  /** The text of token {@code index}: a short word a client can count. */
  static String token(int index) {
    return " tok" + index;
  }

  /** Chat's first chunk: the assistant role, no content yet. */
  String roleChunk() {
    return chunkHead + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}]}";
  }

  String tokenChunk(String text) {
    String choice = endpoint == Endpoint.CHAT
        ? "{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}"
        : "{\"index\":0,\"text\":\"" + text + "\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}";
    return chunkHead + ",\"choices\":[" + choice + "]}";
  }

  /** The chunk that ends the choice: the output budget is always used up, hence {@code length}. */
  String finishChunk() {
    String choice = endpoint == Endpoint.CHAT
        ? "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}"
        : "{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}";
    return chunkHead + ",\"choices\":[" + choice + "]}";
  }

  String usageChunk(int promptTokens, int completionTokens) {
    return chunkHead + ",\"choices\":[]," + usage(promptTokens, completionTokens) + "}";
  }

  /** The unstreamed response. {@code text} holds only generated tokens, so needs no escaping. */
  String body(String text, int promptTokens, int completionTokens) {
    String choice = endpoint == Endpoint.CHAT
        ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},"
            + "\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}"
        : "{\"index\":0,\"text\":\"" + text + "\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}";
    return bodyHead + ",\"choices\":[" + choice + "]," + usage(promptTokens, completionTokens) + "}";
  }

  private static String usage(int prompt, int completion) {
    return "\"usage\":{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + ((long) prompt + completion)
        + ",\"completion_tokens\":" + completion + "}";
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string always serialises", e);
    }
  }
}
