package dev.switchboard.gateway.health;

import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A GET to a replica with one deadline for the whole exchange (connect, headers and body), not
 * only an idle timeout: a replica that trickles bytes must still fail its probe. A request past
 * its deadline is reset, so that its connection is not reused with a response still pending.
 */
final class TimedGet {
  /** A response read in full. */
  record Reply(int status, Buffer body) {
    boolean isSuccess() {
      return status >= 200 && status < 300;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;

  TimedGet(Vertx vertx, HttpClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  Future<Reply> get(UpstreamReplica replica, String uri, long timeoutMillis) {
    Promise<Reply> result = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer =
        vertx.setTimer(
            timeoutMillis,
            id -> {
              if (result.tryFail(
                  new TimeoutException(
                      "GET " + uri + " on " + replica + " took over " + timeoutMillis + " ms"))) {
                HttpClientRequest request = sent.get();
                if (request != null) {
                  request.reset();
                }
              }
            });
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(replica.host())
            .setPort(replica.port())
            .setURI(uri)
            .setConnectTimeout(timeoutMillis)
            .setIdleTimeout(timeoutMillis);
    client
        .request(options)
        .compose(
            request -> {
              sent.set(request);
              if (result.future().isComplete()) {
                request.reset(); // the deadline passed while waiting for a connection
              }
              return request.send();
            })
        .compose(response -> response.body().map(body -> new Reply(response.statusCode(), body)))
        .onComplete(
            outcome -> {
              vertx.cancelTimer(timer);
              if (outcome.succeeded()) {
                result.tryComplete(outcome.result());
              } else {
                result.tryFail(outcome.cause());
              }
            });
    return result.future();
  }
}
