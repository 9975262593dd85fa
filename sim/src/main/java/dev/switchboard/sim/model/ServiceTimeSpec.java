package dev.switchboard.sim.model;

import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.config.Node;
import dev.switchboard.sim.workload.Arrival;
import java.util.OptionalDouble;

/**
 * The service-time replica model: {@code slots} FIFO servers; a request's work is the workload's
 * service time when it gives one, else {@code base_ms + per_prompt_token_ms·prompt +
 * per_output_token_ms·output}.
 */
public record ServiceTimeSpec(int slots, double baseMs, double perPromptTokenMs, double perOutputTokenMs)
    implements ReplicaModelSpec {

  public static final String TYPE = "service-time";

  static ServiceTimeSpec parse(Node model) {
    model.allowOnly("type", "slots", "base_ms", "per_prompt_token_ms", "per_output_token_ms");
    long slots = model.positiveInteger("slots", 1);
    if (slots > 100_000) {
      throw model.error("slots", "must be <= 100000, was " + slots);
    }
    return new ServiceTimeSpec(
        (int) slots,
        model.nonNegative("base_ms", 0),
        model.nonNegative("per_prompt_token_ms", 0),
        model.nonNegative("per_output_token_ms", 0));
  }

  long workNanos(Arrival a) {
    if (a.serviceNanos() > 0) {
      return a.serviceNanos();
    }
    double ms = baseMs + perPromptTokenMs * a.promptTokens() + perOutputTokenMs * a.outputTokens();
    return Math.max(1L, Math.round(ms * 1e6));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public ReplicaModel create(EventQueue events, double speed, ModelListener listener) {
    return new ServiceTimeReplica(events, this, speed, listener);
  }

  @Override
  public double capacityPerSecond(double speed, OptionalDouble meanServiceMillis) {
    if (meanServiceMillis.isEmpty()) {
      return Double.NaN;
    }
    return slots / (meanServiceMillis.getAsDouble() * speed / 1000.0);
  }
}
