package dev.switchboard.replica;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;

/** Whole JSON answers, errors included, in the shapes vLLM's OpenAI server uses. */
final class Replies {
  static final String JSON_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Replies() {}

  static Future<Void> json(HttpServerResponse response, int status, String body) {
    return response.setStatusCode(status).putHeader("content-type", JSON_TYPE).end(body);
  }

  /** {@code {"error":{"message":…,"type":…,"param":null,"code":…}}}. */
  static Future<Void> error(HttpServerResponse response, int status, String type, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.putNull("param");
    error.put("code", status);
    return json(response, status, root.toString());
  }

  /** What vLLM's web framework (FastAPI) answers for a path or method it has no route for. */
  static Future<Void> detail(HttpServerResponse response, int status, String detail) {
    ObjectNode root = JSON.createObjectNode();
    root.put("detail", detail);
    return json(response, status, root.toString());
  }
}
