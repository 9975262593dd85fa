package dev.switchboard.replica;

import dev.switchboard.core.Clock;
import dev.switchboard.sim.model.ModelListener;
import dev.switchboard.sim.model.SimRequest;

/**
 * Hears the model and passes each token to its request's {@link Exchange} (the request's
 * attachment), recording vLLM's latency metrics on the model's own clock as it goes.
 */
final class TokenRelay implements ModelListener {
  private final Clock clock;
  private final ReplicaMetrics metrics;

  /** {@code clock} is the engine's: it reads each event's exact time while the event fires. */
  TokenRelay(Clock clock, ReplicaMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public boolean wantsTokens() {
    return true;
  }

  @Override
  public void onFirstToken(SimRequest request) {
    Exchange exchange = exchange(request);
    long now = clock.nanoTime();
    exchange.markToken(now);
    metrics.firstToken(exchange.promptTokens(), now - request.arrivalNanos());
    exchange.token();
  }

  @Override
  public void onToken(SimRequest request) {
    Exchange exchange = exchange(request);
    metrics.nextToken(exchange.markToken(clock.nanoTime()));
    exchange.token();
  }

  @Override
  public void onComplete(SimRequest request) {
    Exchange exchange = exchange(request);
    // A model that yields the whole response at once (service-time) leaves tokens to count here.
    metrics.tokensAtOnce(exchange.tokensLeft());
    metrics.completed(clock.nanoTime() - request.arrivalNanos());
    exchange.complete();
  }

  @Override
  public void onReject(SimRequest request, String reason) {
    exchange(request).reject(reason);
  }

  @Override
  public void onDecodeStep(long stepNanos, int tokens) {
    // Per-token callbacks already carry everything the metrics need.
  }

  private static Exchange exchange(SimRequest request) {
    return (Exchange) request.attachment();
  }
}
