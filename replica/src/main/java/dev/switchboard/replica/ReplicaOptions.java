package dev.switchboard.replica;

import dev.switchboard.sim.model.ReplicaModelSpec;
import dev.switchboard.sim.model.StepModelSpec;
import dev.switchboard.sim.workload.TokenDistribution;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How to run one simulated replica. Start from {@link #of(String)} and change what differs.
 *
 * @param host address to bind; loopback unless the replica must be reached from elsewhere
 * @param port port to bind, 0 for an ephemeral one (read it back from {@link ReplicaServer#port()})
 * @param modelName the one model it serves; requests naming another get vLLM's 404
 * @param speed the model's speed factor: 1.0 nominal, 2.0 half as fast (a throttled GPU)
 * @param modelSpec the replica model that decides when each token is ready
 * @param defaultMaxTokens output length of a request that gives no {@code max_tokens} and no
 *     {@code outputTokens} distribution is configured
 * @param outputTokens if present, output lengths for requests without {@code max_tokens} are drawn
 *     from it instead of using {@code defaultMaxTokens}
 * @param maxModelLen the context window (prompt + output); a step model's KV capacity caps it
 * @param faults failures to inject
 * @param seed seeds every random choice (faults, drawn output lengths, response ids)
 */
public record ReplicaOptions(
    String host,
    int port,
    String modelName,
    double speed,
    ReplicaModelSpec modelSpec,
    int defaultMaxTokens,
    Optional<TokenDistribution> outputTokens,
    int maxModelLen,
    Faults faults,
    long seed) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  /** vLLM's default when a request gives no {@code max_tokens} to a completions endpoint. */
  public static final int DEFAULT_MAX_TOKENS = 16;
  /** Llama-3.1-8B's context window, the model the default step-model fit describes. */
  public static final int DEFAULT_MAX_MODEL_LEN = 131_072;

  public ReplicaOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelSpec, "modelSpec");
    Objects.requireNonNull(outputTokens, "outputTokens");
    Objects.requireNonNull(faults, "faults");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    if (modelName.isBlank()) {
      throw new IllegalArgumentException("modelName must not be blank");
    }
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a number > 0, was " + speed);
    }
    if (defaultMaxTokens < 1) {
      throw new IllegalArgumentException("defaultMaxTokens must be >= 1, was " + defaultMaxTokens);
    }
    if (maxModelLen < 1) {
      throw new IllegalArgumentException("maxModelLen must be >= 1, was " + maxModelLen);
    }
  }

  /** A healthy replica of {@code modelName} on an ephemeral loopback port, vLLM step model, speed 1. */
  public static ReplicaOptions of(String modelName) {
    return new ReplicaOptions(
        DEFAULT_HOST,
        0,
        modelName,
        1.0,
        StepModelSpec.defaults(),
        DEFAULT_MAX_TOKENS,
        Optional.empty(),
        DEFAULT_MAX_MODEL_LEN,
        Faults.NONE,
        0L);
  }

  /** The context window it advertises and enforces: a request needing more KV cache could never run. */
  public int effectiveMaxModelLen() {
    if (modelSpec instanceof StepModelSpec step) {
      return (int) Math.min(maxModelLen, step.kvCapacityTokens());
    }
    return maxModelLen;
  }

  public ReplicaOptions withHost(String value) {
    return copy(d -> d.host = value);
  }

  public ReplicaOptions withPort(int value) {
    return copy(d -> d.port = value);
  }

  public ReplicaOptions withSpeed(double value) {
    return copy(d -> d.speed = value);
  }

  public ReplicaOptions withModelSpec(ReplicaModelSpec value) {
    return copy(d -> d.modelSpec = value);
  }

  public ReplicaOptions withDefaultMaxTokens(int value) {
    return copy(d -> d.defaultMaxTokens = value);
  }

  public ReplicaOptions withOutputTokens(TokenDistribution value) {
    return copy(d -> d.outputTokens = Optional.of(value));
  }

  public ReplicaOptions withMaxModelLen(int value) {
    return copy(d -> d.maxModelLen = value);
  }

  public ReplicaOptions withFaults(Faults value) {
    return copy(d -> d.faults = value);
  }

  public ReplicaOptions withSeed(long value) {
    return copy(d -> d.seed = value);
  }

  /** These options with one change; the canonical constructor checks the result as always. */
  private ReplicaOptions copy(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A mutable copy of every component, so that each wither names only the one it changes. */
  private static final class Draft {
    String host;
    int port;
    String modelName;
    double speed;
    ReplicaModelSpec modelSpec;
    int defaultMaxTokens;
    Optional<TokenDistribution> outputTokens;
    int maxModelLen;
    Faults faults;
    long seed;

    Draft(ReplicaOptions o) {
      host = o.host;
      port = o.port;
      modelName = o.modelName;
      speed = o.speed;
      modelSpec = o.modelSpec;
      defaultMaxTokens = o.defaultMaxTokens;
      outputTokens = o.outputTokens;
      maxModelLen = o.maxModelLen;
      faults = o.faults;
      seed = o.seed;
    }

    ReplicaOptions build() {
      return new ReplicaOptions(
          host, port, modelName, speed, modelSpec, defaultMaxTokens,
          outputTokens, maxModelLen, faults, seed);
    }
  }
}
