package dev.switchboard.gateway.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Errors in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with the HTTP
 * status that goes with each, so that OpenAI client libraries report them properly.
 */
public enum OpenAiError {
  BAD_REQUEST(400, "invalid_request_error", null),
  INVALID_JSON(400, "invalid_request_error", "invalid_json"),
  UNAUTHORIZED(401, "invalid_request_error", "invalid_api_key"),
  FORBIDDEN(403, "invalid_request_error", "forbidden"),
  NOT_FOUND(404, "invalid_request_error", "not_found"),
  MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
  METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
  TOO_LARGE(413, "invalid_request_error", "request_too_large"),
  HEADERS_TOO_LARGE(431, "invalid_request_error", "request_header_fields_too_large"),
  RATE_LIMITED(429, "requests", "rate_limit_exceeded"),
  RATE_LIMITED_TOKENS(429, "tokens", "rate_limit_exceeded"),
  INTERNAL(500, "server_error", "internal_error"),
  NOT_IMPLEMENTED(501, "invalid_request_error", "not_implemented"),
  UPSTREAM_FAILED(502, "server_error", "upstream_error"),
  NO_REPLICA(503, "server_error", "service_unavailable"),
  OVERLOADED(503, "server_error", "overloaded"),
  TIMEOUT(504, "server_error", "timeout"),
  VERSION_NOT_SUPPORTED(505, "invalid_request_error", "http_version_not_supported");

  private static final JsonFactory JSON = new JsonFactory();

  private final int status;
  private final String type;
  private final String code;

  OpenAiError(int status, String type, String code) {
    this.status = status;
    this.type = type;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The error body. */
  public String json(String message, String param) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      g.writeStringField("param", param);
      g.writeStringField("code", code);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  /** An SSE event carrying the error, for a stream that fails after it has begun. */
  public String sseEvent(String message) {
    return "data: " + json(message, null) + "\n\n";
  }
}
