package dev.switchboard.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The few top-level fields of an OpenAI request that routing needs, read with a streaming parser
 * that skips everything else (messages, tools, …) without building a tree. The body itself is
 * forwarded unchanged.
 *
 * @param model {@code model}, or null when absent
 * @param stream {@code stream}
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, or 0 when absent
 * @param user {@code user}, or null
 * @param priority {@code priority} (vLLM's), or 0
 */
public record RequestFields(String model, boolean stream, int maxTokens, String user, int priority) {
  private static final JsonFactory JSON = new JsonFactory();

  /** Thrown for a body that is not a JSON object, or a routing field of the wrong type. */
  public static final class BadRequest extends Exception {
    private final String param;

    BadRequest(String message, String param) {
      super(message, null, false, false);
      this.param = param;
    }

    public String param() {
      return param;
    }
  }

  public static RequestFields parse(byte[] body) throws BadRequest {
    return parse(body, 0, body.length);
  }

  /** Reads the fields from {@code length} bytes of {@code body} at {@code offset}. */
  public static RequestFields parse(byte[] body, int offset, int length) throws BadRequest {
    String model = null;
    boolean stream = false;
    int maxTokens = 0;
    String user = null;
    int priority = 0;
    try (JsonParser p = JSON.createParser(body, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadRequest("The request body must be a JSON object.", null);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "model" -> model = string(p, v, field);
          case "stream" -> stream = bool(p, v, field);
          case "max_tokens", "max_completion_tokens" -> maxTokens = nonNegativeInt(p, v, field);
          case "user" -> user = string(p, v, field);
          case "priority" -> priority = integer(p, v, field);
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new BadRequest("We could not parse the JSON body of your request.", null);
      }
    } catch (IOException e) {
      throw new BadRequest(
          "We could not parse the JSON body of your request. (" + firstLine(e.getMessage()) + ")", null);
    }
    return new RequestFields(model, stream, maxTokens, user, priority);
  }

  private static String string(JsonParser p, JsonToken v, String field) throws IOException, BadRequest {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw new BadRequest("'" + field + "' must be a string.", field);
    }
    return p.getText();
  }

  private static boolean bool(JsonParser p, JsonToken v, String field) throws IOException, BadRequest {
    if (v == JsonToken.VALUE_NULL) {
      return false;
    }
    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
      p.skipChildren();
      throw new BadRequest("'" + field + "' must be a boolean.", field);
    }
    return v == JsonToken.VALUE_TRUE;
  }

  private static int integer(JsonParser p, JsonToken v, String field) throws IOException, BadRequest {
    if (v == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (v != JsonToken.VALUE_NUMBER_INT) {
      p.skipChildren();
      throw new BadRequest("'" + field + "' must be an integer.", field);
    }
    long value = p.getLongValue();
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw new BadRequest("'" + field + "' is out of range.", field);
    }
    return (int) value;
  }

  private static int nonNegativeInt(JsonParser p, JsonToken v, String field) throws IOException, BadRequest {
    int value = integer(p, v, field);
    if (value < 0) {
      throw new BadRequest("'" + field + "' must be >= 0.", field);
    }
    return value;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
