package dev.switchboard.replica;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ManualClock;
import dev.switchboard.replica.CompletionRequest.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One replica: its HTTP server, model and faults, all on the single event loop of this verticle, so
 * the model needs no locking and token callbacks write straight to their responses.
 */
final class ReplicaVerticle extends VerticleBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ReplicaOptions options;
  /** Requests that arrived while stalled, answered if the stall is lifted. */
  private final List<Runnable> held = new ArrayList<>();
  private HttpServer server;
  private RealTimeEngine engine;
  private ReplicaMetrics metrics;
  private FaultState faults;
  private CompletionHandler completions;
  private String modelsBody;
  private volatile int port;
  /** Crashed or stopped: nothing is answered any more. */
  private boolean down;

  ReplicaVerticle(ReplicaOptions options) {
    this.options = options;
  }

  @Override
  public Future<?> start() {
    // Independent streams, so that e.g. enabling spikes leaves the drawn output lengths unchanged.
    SplittableRandom root = new SplittableRandom(options.seed());
    faults = new FaultState(options.faults(), root.split());
    SplittableRandom outputLengths = root.split();
    SplittableRandom ids = root.split();
    metrics = new ReplicaMetrics(options.modelName());
    ManualClock clock = new ManualClock();
    engine = new RealTimeEngine(vertx, clock, options.modelSpec(), options.speed(), new TokenRelay(clock, metrics));
    completions = new CompletionHandler(
        vertx, options, engine, faults, outputLengths, ids, this::answered, () -> !down);
    modelsBody = modelsBody();
    // vLLM speaks HTTP/1.1 only; refusing the h2c upgrade keeps clients on the same protocol.
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(this::onRequest);
    return server.listen(options.port(), options.host()).onSuccess(s -> port = s.actualPort());
  }

  @Override
  public Future<?> stop() {
    goDown();
    return server.close();
  }

  /** The bound port, once started. */
  int port() {
    return port;
  }

  /** Replaces the faults; lifting a stall answers the requests it held. */
  Future<Void> setFaults(Faults value) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      faults.set(value);
      if (!value.stall() && !held.isEmpty()) {
        List<Runnable> release = new ArrayList<>(held);
        held.clear();
        release.forEach(Runnable::run);
      }
      done.complete();
    });
    return done.future();
  }

  private void onRequest(HttpServerRequest request) {
    if (down) {
      request.connection().close();
      return;
    }
    request.body().onSuccess(body -> route(request, body));
  }

  private void route(HttpServerRequest request, Buffer body) {
    if (down) {
      request.connection().close();
      return;
    }
    if (request.response().closed()) {
      return; // the client gave up (e.g. while the request was held by a stall)
    }
    if (faults.stalled()) {
      held.add(() -> route(request, body));
      return;
    }
    switch (request.path()) {
      case "/v1/chat/completions" -> {
        if (allow(request, HttpMethod.POST)) {
          completions.handle(request, body, Endpoint.CHAT);
        }
      }
      case "/v1/completions" -> {
        if (allow(request, HttpMethod.POST)) {
          completions.handle(request, body, Endpoint.TEXT);
        }
      }
      case "/v1/models" -> {
        if (allow(request, HttpMethod.GET)) {
          Replies.json(request.response(), 200, modelsBody);
        }
      }
      case "/health" -> {
        if (allow(request, HttpMethod.GET)) {
          request.response().setStatusCode(200).end();
        }
      }
      case "/metrics" -> {
        if (allow(request, HttpMethod.GET)) {
          byte[] text = metrics.scrape(engine.report());
          request.response()
              .setStatusCode(200)
              .putHeader("content-type", metrics.contentType())
              .end(Buffer.buffer(text));
        }
      }
      default -> Replies.detail(request.response(), 404, "Not Found");
    }
  }

  private static boolean allow(HttpServerRequest request, HttpMethod method) {
    if (request.method() == method) {
      return true;
    }
    request.response().putHeader("allow", method.name());
    Replies.detail(request.response(), 405, "Method Not Allowed");
    return false;
  }

  /** Counts an answered completion; the one that reaches {@code crashAfter} crashes the server once written. */
  private void answered(Future<Void> written) {
    if (faults.answer()) {
      written.onComplete(ar -> crash());
    }
  }

  /** What a killed process looks like from outside: the port refuses and open connections drop. */
  private void crash() {
    if (down) {
      return;
    }
    goDown();
    server.close();
  }

  private void goDown() {
    if (!down) {
      down = true;
      engine.stop();
      held.clear();
    }
  }

  private String modelsBody() {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list");
    ObjectNode model = root.putArray("data").addObject();
    model.put("id", options.modelName());
    model.put("object", "model");
    model.put("created", System.currentTimeMillis() / 1000);
    model.put("owned_by", "switchboard");
    model.put("root", options.modelName());
    model.putNull("parent");
    model.put("max_model_len", options.effectiveMaxModelLen());
    return root.toString();
  }
}
