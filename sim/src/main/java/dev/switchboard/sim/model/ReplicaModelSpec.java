package dev.switchboard.sim.model;

import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.config.Node;
import java.util.OptionalDouble;

/** A scenario's replica model, parsed and validated; builds one model per replica. */
public interface ReplicaModelSpec {

  String type();

  ReplicaModel create(EventQueue events, double speed, ModelListener listener);

  /**
   * Requests per second one replica of this speed can sustain, or NaN when the model cannot say
   * (the step model's capacity depends on the batch the traffic builds).
   */
  double capacityPerSecond(double speed, OptionalDouble meanServiceMillis);

  /** Parses the {@code model:} section. */
  static ReplicaModelSpec parse(Node model) {
    String type = model.string("type");
    return switch (type) {
      case ServiceTimeSpec.TYPE -> ServiceTimeSpec.parse(model);
      case StepModelSpec.TYPE -> StepModelSpec.parse(model);
      default -> throw model.error(
          "type", "unknown model '" + type + "' (known: " + ServiceTimeSpec.TYPE + ", " + StepModelSpec.TYPE + ")");
    };
  }
}
