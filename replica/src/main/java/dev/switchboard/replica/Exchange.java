package dev.switchboard.replica;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * One completion in flight: turns the model's tokens into its HTTP response, streamed as
 * server-sent events or whole at the end.
 *
 * <p>Streamed chunks are written as tokens come, without waiting for the socket to drain: a chunk is
 * a few hundred bytes and a request has at most {@code max_tokens} of them, so a slow reader costs
 * bounded memory and never blocks the event loop. When the client goes away, writing stops, but the
 * model still finishes the request, as vLLM does until it notices the disconnect.
 */
final class Exchange {
  private static final String SSE_TYPE = "text/event-stream; charset=utf-8";

  private final HttpServerResponse response;
  private final CompletionJson json;
  private final CompletionRequest request;
  private final int maxTokens;
  private final Consumer<Future<Void>> answered;
  private final StringBuilder text;
  private int tokens;
  private long lastTokenNanos;

  /**
   * @param answered told when the response is fully written (or abandoned), with the write's outcome
   */
  Exchange(
      HttpServerResponse response,
      CompletionJson json,
      CompletionRequest request,
      int maxTokens,
      Consumer<Future<Void>> answered) {
    this.response = response;
    this.json = json;
    this.request = request;
    this.maxTokens = maxTokens;
    this.answered = answered;
    this.text = request.stream() ? null : new StringBuilder(maxTokens * 6);
  }

  int promptTokens() {
    return request.promptTokens();
  }

  /** Tokens still to come out of the {@code max_tokens} asked for. */
  int tokensLeft() {
    return maxTokens - tokens;
  }

  /** Notes a token produced at {@code nanos}; returns the time since the previous one. */
  long markToken(long nanos) {
    long gap = nanos - lastTokenNanos;
    lastTokenNanos = nanos;
    return gap;
  }

  /** The next token is out. */
  void token() {
    if (tokens == maxTokens) {
      return; // never more than asked for, whatever the model does
    }
    String word = CompletionJson.token(tokens++);
    if (!request.stream()) {
      text.append(word);
      return;
    }
    if (response.closed()) {
      return;
    }
    if (tokens == 1) {
      response
          .setStatusCode(200)
          .setChunked(true)
          .putHeader("content-type", SSE_TYPE)
          .putHeader("cache-control", "no-cache");
      if (request.endpoint() == CompletionRequest.Endpoint.CHAT) {
        event(json.roleChunk());
      }
    }
    event(json.tokenChunk(word));
  }

  /** The request is done: the rest of the response, then the answer is counted. */
  void complete() {
    // The service-time model yields the whole response at once: its tokens all come out now.
    while (tokens < maxTokens) {
      token();
    }
    if (response.closed()) {
      answered.accept(Future.succeededFuture());
      return;
    }
    if (request.stream()) {
      event(json.finishChunk());
      if (request.includeUsage()) {
        event(json.usageChunk(request.promptTokens(), tokens));
      }
      answered.accept(response.end("data: [DONE]\n\n"));
    } else {
      answered.accept(Replies.json(response, 200, json.body(text.toString(), request.promptTokens(), tokens)));
    }
  }

  /** The model refused the request; it happens on submission, before any byte. */
  void reject(String reason) {
    if (response.closed()) {
      answered.accept(Future.succeededFuture());
      return;
    }
    answered.accept(Replies.error(response, 400, "BadRequestError", reason));
  }

  private void event(String data) {
    response.write("data: " + data + "\n\n");
  }
}
