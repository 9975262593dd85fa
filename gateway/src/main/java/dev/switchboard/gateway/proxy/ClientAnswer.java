package dev.switchboard.gateway.proxy;

import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.openai.OpenAiError;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The answer to one client request, as an {@link Exchange} writes it: a replica's answer relayed
 * piece by piece, or an error of the gateway's own. Implemented by the client's connection; every
 * call comes on its event loop. Writes are not flushed until {@link #flush()} or the end.
 */
interface ClientAnswer {
  /**
   * Headers that go on the answer whatever it turns out to be (such as {@code retry-after}); set
   * them before the answer's head is written.
   */
  HttpHeaders extraHeaders();

  /** Answers with an OpenAI error and ends the answer, unless its head has gone out already. */
  void sendError(OpenAiError error, String message, String param);

  /** Writes the head of a relayed answer; the client's framing of its body is the connection's. */
  void writeHead(ReplicaResponse head);

  /** Writes a piece of the relayed body; owns {@code piece}. */
  void writeBody(ByteBuf piece);

  /** Ends the relayed body. */
  void endBody();

  /** Whether the relayed body goes chunked, so that it can still end with a piece of the gateway's own. */
  boolean chunked();

  /** Ends a chunked SSE stream with an error event, {@code data: {"error": ...}}. */
  void endWithSseError(OpenAiError error, String message);

  /** Cuts the answer short: the connection closes, so the client sees a truncated body. */
  void abort();

  /** Whether the client can take more now; when it can again, the exchange hears so. */
  boolean isWritable();

  /** Sends what has been written. */
  void flush();
}
