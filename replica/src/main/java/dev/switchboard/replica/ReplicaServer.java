package dev.switchboard.replica;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A simulated vLLM server: the OpenAI completions API, {@code /v1/models}, {@code /health} and
 * vLLM's Prometheus {@code /metrics}, with tokens paced in real time by the simulator's replica
 * model. Several can run in one Vert.x instance; each gets its own event loop.
 *
 * <pre>{@code
 * ReplicaServer replica = ReplicaServer.start(vertx, ReplicaOptions.of("llama").withSpeed(2.0))
 *     .await();
 * String url = replica.baseUrl(); // http://127.0.0.1:<port>
 * replica.close();
 * }</pre>
 */
public final class ReplicaServer {
  private final Vertx vertx;
  private final ReplicaVerticle verticle;
  private final String deploymentId;
  private final ReplicaOptions options;
  private Future<Void> closing;

  private ReplicaServer(Vertx vertx, ReplicaVerticle verticle, String deploymentId, ReplicaOptions options) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
    this.options = options;
  }

  /** Binds and starts serving; fails if the address cannot be bound. */
  public static Future<ReplicaServer> start(Vertx vertx, ReplicaOptions options) {
    ReplicaVerticle verticle = new ReplicaVerticle(options);
    return vertx.deployVerticle(verticle).map(id -> new ReplicaServer(vertx, verticle, id, options));
  }

  /** The bound port (the ephemeral one when the options asked for port 0). */
  public int port() {
    return verticle.port();
  }

  /** {@code http://host:port}, without a trailing slash. */
  public String baseUrl() {
    String host = options.host();
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
  }

  public ReplicaOptions options() {
    return options;
  }

  /**
   * Changes the injected faults from now on, e.g. to stall a replica in the middle of a demo. Lifting
   * a stall answers the requests it held; a crash, once it happened, is final.
   */
  public Future<Void> faults(Faults faults) {
    return verticle.setFaults(faults);
  }

  /** Stops serving and closes every connection; in-flight requests are dropped. Idempotent. */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = vertx.undeploy(deploymentId);
    }
    return closing;
  }
}
