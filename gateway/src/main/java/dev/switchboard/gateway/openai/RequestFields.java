package dev.switchboard.gateway.openai;

import java.nio.charset.StandardCharsets;

/**
 * The few top-level fields of an OpenAI request that routing needs, read in one pass that checks
 * the whole body is JSON but builds nothing for everything else (messages, tools, …). The body
 * itself is forwarded unchanged.
 *
 * @param model {@code model}, or null when absent
 * @param stream {@code stream}
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, or 0 when absent
 * @param user {@code user}, or null
 * @param priority {@code priority} (vLLM's), or 0
 */
public record RequestFields(String model, boolean stream, int maxTokens, String user, int priority) {
  private static final int MODEL = 0;
  private static final int STREAM = 1;
  private static final int MAX_TOKENS = 2;
  private static final int MAX_COMPLETION_TOKENS = 3;
  private static final int USER = 4;
  private static final int PRIORITY = 5;
  private static final String[] NAMES = {"model", "stream", "max_tokens", "max_completion_tokens", "user", "priority"};
  private static final byte[][] NAME_BYTES = new byte[NAMES.length][];
  /** What {@link JsonScanner#number} answers for an integer too long, and for a fraction. */
  private static final long TOO_BIG = Long.MIN_VALUE;
  private static final long FRACTION = Long.MIN_VALUE + 1;

  static {
    for (int i = 0; i < NAMES.length; i++) {
      NAME_BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
    }
  }

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
    JsonScanner json = new JsonScanner(body, offset, length);
    try {
      int first = json.peek();
      if (first != '{') {
        if (first < 0 || first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9')
            || json.literal() >= 0) {
          throw new BadRequest("The request body must be a JSON object.", null);
        }
        throw json.unexpected("'{'");
      }
      json.expect('{');
      if (!json.consume('}')) {
        do {
          int field = json.name(NAME_BYTES);
          switch (field) {
            case MODEL -> model = string(json, NAMES[field]);
            case STREAM -> stream = bool(json, NAMES[field]);
            case MAX_TOKENS, MAX_COMPLETION_TOKENS -> maxTokens = nonNegativeInt(json, NAMES[field]);
            case USER -> user = string(json, NAMES[field]);
            case PRIORITY -> priority = integer(json, NAMES[field]);
            default -> json.skipValue(1);
          }
        } while (json.consume(','));
        json.expect('}');
      }
      if (!json.atEnd()) {
        throw json.unexpected("the end of the body");
      }
    } catch (JsonScanner.Malformed e) {
      throw new BadRequest("We could not parse the JSON body of your request. (" + e.getMessage() + ")", null);
    }
    return new RequestFields(model, stream, maxTokens, user, priority);
  }

  private static String string(JsonScanner json, String field) throws JsonScanner.Malformed, BadRequest {
    int c = json.peek();
    if (c == '"') {
      return json.string();
    }
    if (c == 'n' && json.literal() == 'n') {
      return null;
    }
    throw wrongType(json, field, "a string");
  }

  private static boolean bool(JsonScanner json, String field) throws JsonScanner.Malformed, BadRequest {
    int c = json.peek();
    if (c == 't' || c == 'f' || c == 'n') {
      return json.literal() == 't';
    }
    throw wrongType(json, field, "a boolean");
  }

  private static int integer(JsonScanner json, String field) throws JsonScanner.Malformed, BadRequest {
    int c = json.peek();
    if (c == 'n' && json.literal() == 'n') {
      return 0;
    }
    if (c != '-' && (c < '0' || c > '9')) {
      throw wrongType(json, field, "an integer");
    }
    long value = json.number(TOO_BIG, FRACTION);
    if (value == FRACTION) {
      throw new BadRequest("'" + field + "' must be an integer.", field);
    }
    if (value == TOO_BIG || value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw new BadRequest("'" + field + "' is out of range.", field);
    }
    return (int) value;
  }

  private static int nonNegativeInt(JsonScanner json, String field) throws JsonScanner.Malformed, BadRequest {
    int value = integer(json, field);
    if (value < 0) {
      throw new BadRequest("'" + field + "' must be >= 0.", field);
    }
    return value;
  }

  /**
   * A routing field of the wrong type; the value is checked first, so a body that is not JSON at
   * all is reported as such.
   */
  private static BadRequest wrongType(JsonScanner json, String field, String type) throws JsonScanner.Malformed {
    json.skipValue(1);
    return new BadRequest("'" + field + "' must be " + type + ".", field);
  }
}
