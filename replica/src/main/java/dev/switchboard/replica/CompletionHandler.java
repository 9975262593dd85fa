package dev.switchboard.replica;

import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.replica.CompletionRequest.Endpoint;
import dev.switchboard.sim.model.SimRequest;
import dev.switchboard.sim.workload.Arrival;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code POST /v1/chat/completions} and {@code /v1/completions}: checks the request as vLLM would,
 * rolls the injected faults, and hands it to the model as a simulator request whose attachment is
 * the {@link Exchange} that writes the answer.
 */
final class CompletionHandler {
  private final Vertx vertx;
  private final ReplicaOptions options;
  private final RealTimeEngine engine;
  private final FaultState faults;
  private final SplittableRandom outputLengths;
  private final SplittableRandom ids;
  private final Consumer<Future<Void>> answered;
  private final BooleanSupplier up;
  private long nextArrival;

  /**
   * @param answered told of every answer (with its write's outcome), to count towards a crash
   * @param up false once the server is down, so a delayed request no longer reaches the model
   */
  CompletionHandler(
      Vertx vertx,
      ReplicaOptions options,
      RealTimeEngine engine,
      FaultState faults,
      SplittableRandom outputLengths,
      SplittableRandom ids,
      Consumer<Future<Void>> answered,
      BooleanSupplier up) {
    this.vertx = vertx;
    this.options = options;
    this.engine = engine;
    this.faults = faults;
    this.outputLengths = outputLengths;
    this.ids = ids;
    this.answered = answered;
    this.up = up;
  }

  void handle(HttpServerRequest http, Buffer body, Endpoint endpoint) {
    if (!faults.admit()) {
      http.connection().close(); // the crash is coming: this one is never answered
      return;
    }
    long arrivedNanos = engine.now();
    HttpServerResponse response = http.response();
    CompletionRequest request;
    try {
      request = CompletionRequest.parse(endpoint, body.getBytes());
    } catch (InvalidRequest e) {
      answered.accept(Replies.error(response, 400, "BadRequestError", e.getMessage()));
      return;
    }
    String model = request.model().orElse(options.modelName());
    if (!model.equals(options.modelName())) {
      answered.accept(Replies.error(response, 404, "NotFoundError", "The model `" + model + "` does not exist."));
      return;
    }
    int maxTokens = request.maxTokens().orElseGet(this::defaultMaxTokens);
    long needed = (long) request.promptTokens() + maxTokens;
    int window = options.effectiveMaxModelLen();
    if (needed > window) {
      answered.accept(Replies.error(response, 400, "BadRequestError", String.format(
          "This model's maximum context length is %d tokens. However, you requested %d tokens "
              + "(%d in the messages, %d in the completion). Please reduce the length of the messages or completion.",
          window, needed, request.promptTokens(), maxTokens)));
      return;
    }
    if (faults.drawError()) {
      answered.accept(Replies.error(response, 500, "InternalServerError", "Injected fault: error_rate."));
      return;
    }
    long spikeMillis = faults.drawSpikeMillis();
    CompletionJson json = new CompletionJson(endpoint, newId(endpoint), System.currentTimeMillis() / 1000, model);
    Exchange exchange = new Exchange(response, json, request, maxTokens, answered);
    Arrival arrival = new Arrival(
        nextArrival++, arrivedNanos, request.promptTokens(), maxTokens, 0L, "", "", Arrival.NO_HASHES);
    SimRequest simRequest = new SimRequest(arrival, new RequestInfo(model, request.promptTokens(), maxTokens, "", ""));
    simRequest.attach(exchange);
    if (spikeMillis == 0) {
      engine.submit(simRequest);
    } else {
      // The spike happens before the model sees the request: it counts in the request's latency,
      // not in the engine's queue.
      vertx.setTimer(spikeMillis, id -> {
        if (up.getAsBoolean()) {
          engine.submit(simRequest);
        }
      });
    }
  }

  private int defaultMaxTokens() {
    return options.outputTokens()
        .map(d -> Math.max(1, d.sample(outputLengths)))
        .orElse(options.defaultMaxTokens());
  }

  private String newId(Endpoint endpoint) {
    return endpoint.idPrefix + String.format("%016x%016x", ids.nextLong(), ids.nextLong());
  }
}
