package dev.switchboard.loadgen;

import dev.switchboard.sim.workload.Arrival;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One request, from its scheduled send time to exactly one outcome: ok, an HTTP status error, a
 * network error, or a timeout. Every time is taken from the scheduled send time, not from when the
 * request got a connection, so a slow server cannot hide its queue (coordinated omission).
 */
final class InFlightRequest {
  /** A non-streamed body beyond this is not kept; its tokens then count as 0. */
  private static final int MAX_BODY_BYTES = 16 << 20;

  private final Vertx vertx;
  private final LatencyRecorder recorder;
  private final String tier;
  private final long scheduledNanos;
  private final Runnable onDone;
  private HttpClientRequest request;
  private long timerId = -1;
  private long ttftNanos = -1;
  private boolean bodyTruncated;
  private boolean done;

  /** @param onDone called once, on the outcome, after it is recorded */
  InFlightRequest(
      Vertx vertx, LatencyRecorder recorder, Arrival arrival, long scheduledNanos, Runnable onDone) {
    this.vertx = vertx;
    this.recorder = recorder;
    this.tier = arrival.tier();
    this.scheduledNanos = scheduledNanos;
    this.onDone = onDone;
  }

  /** Sends; gives up and resets the request at {@code deadlineNanos} ({@link System#nanoTime}). */
  void send(HttpClient client, RequestOptions options, Buffer body, long deadlineNanos) {
    long delayMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1;
    timerId = vertx.setTimer(Math.max(1, delayMillis), id -> timeout());
    client
        .request(options)
        .compose(
            req -> {
              if (done) {
                req.reset(); // timed out waiting for a connection: give the stream back
                return Future.<HttpClientResponse>failedFuture("cancelled after timeout");
              }
              request = req;
              return req.send(body);
            })
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                respond(ar.result());
              } else {
                fail(ar.cause());
              }
            });
  }

  private void respond(HttpClientResponse response) {
    response.exceptionHandler(this::fail);
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      response.handler(ignored -> {}); // read it out so the connection can be reused
      response.endHandler(v -> failStatus(status));
      return;
    }
    String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
      readEvents(response);
    } else {
      readBody(response);
    }
  }

  private void readEvents(HttpClientResponse response) {
    SseCounter events = new SseCounter();
    response.handler(
        buf -> {
          if (events.feed(buf.getBytes()) > 0) {
            firstToken();
          }
        });
    response.endHandler(
        v -> {
          if (events.finish() > 0) {
            firstToken();
          }
          succeed(events.contentEvents());
        });
  }

  private void readBody(HttpClientResponse response) {
    firstToken(); // the whole answer comes at once: its first byte is its first token
    Buffer body = Buffer.buffer();
    response.handler(
        buf -> {
          if (body.length() + buf.length() <= MAX_BODY_BYTES) {
            body.appendBuffer(buf);
          } else {
            bodyTruncated = true;
          }
        });
    response.endHandler(
        v -> succeed(bodyTruncated ? 0 : CompletionJson.completionTokens(body.getBytes())));
  }

  private void firstToken() {
    if (ttftNanos < 0) {
      ttftNanos = System.nanoTime() - scheduledNanos;
    }
  }

  private void succeed(long tokens) {
    long latency = System.nanoTime() - scheduledNanos;
    if (close()) {
      recorder.ok(tier, ttftNanos, latency, tokens);
      onDone.run();
    }
  }

  private void failStatus(int status) {
    if (close()) {
      recorder.error(tier, Integer.toString(status));
      onDone.run();
    }
  }

  private void fail(Throwable error) {
    if (close()) {
      recorder.error(tier, ErrorKind.of(error));
      onDone.run();
    }
  }

  private void timeout() {
    if (done) {
      return;
    }
    done = true;
    recorder.error(tier, ErrorKind.TIMEOUT);
    if (request != null) {
      request.reset();
    }
    onDone.run();
  }

  /** Marks the outcome decided; false when it already was (a late event after a timeout). */
  private boolean close() {
    if (done) {
      return false;
    }
    done = true;
    vertx.cancelTimer(timerId);
    return true;
  }
}
