package dev.switchboard.sim.model;

import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.config.Node;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A vLLM-like engine with continuous batching. Each engine step costs
 * {@code β0 + β1·prefill_tokens + β2·decode_tokens} µs × the speed factor; defaults are the
 * published fit for Llama-3.1-8B on one H100 (β = 5753, 17.25, 6.00).
 *
 * @param beta0Micros fixed cost of a step
 * @param beta1Micros cost per prompt token prefilled in the step
 * @param beta2Micros cost per running request decoding one token in the step
 * @param maxNumSeqs batch slots (vLLM {@code max_num_seqs})
 * @param maxBatchedTokens tokens one step may process (vLLM {@code max_num_batched_tokens})
 * @param kvCapacityTokens tokens the KV cache holds; requests wait while it is full
 */
public record StepModelSpec(
    double beta0Micros,
    double beta1Micros,
    double beta2Micros,
    int maxNumSeqs,
    int maxBatchedTokens,
    long kvCapacityTokens)
    implements ReplicaModelSpec {

  public static final String TYPE = "vllm-step";
  public static final List<Double> DEFAULT_BETA = List.of(5753.0, 17.25, 6.00);

  public static StepModelSpec defaults() {
    return new StepModelSpec(5753.0, 17.25, 6.00, 256, 8192, 400_000);
  }

  static StepModelSpec parse(Node model) {
    model.allowOnly("type", "beta_us", "max_num_seqs", "max_batched_tokens", "kv_capacity_tokens");
    StepModelSpec d = defaults();
    double[] beta = {d.beta0Micros, d.beta1Micros, d.beta2Micros};
    List<Node> betaNodes = model.list("beta_us");
    if (model.has("beta_us")) {
      if (betaNodes.size() != 3) {
        throw model.error("beta_us", "must list three numbers [β0, β1, β2] in µs, had " + betaNodes.size());
      }
      for (int i = 0; i < 3; i++) {
        beta[i] = betaNodes.get(i).asNumber();
        if (beta[i] < 0) {
          throw betaNodes.get(i).error("must be >= 0, was " + beta[i]);
        }
      }
      if (beta[0] + beta[1] + beta[2] <= 0) {
        throw model.error("beta_us", "at least one coefficient must be > 0");
      }
    }
    long seqs = model.positiveInteger("max_num_seqs", d.maxNumSeqs);
    long batched = model.positiveInteger("max_batched_tokens", d.maxBatchedTokens);
    long kv = model.positiveInteger("kv_capacity_tokens", d.kvCapacityTokens);
    if (seqs > 1_000_000) {
      throw model.error("max_num_seqs", "must be <= 1000000, was " + seqs);
    }
    if (batched > Integer.MAX_VALUE) {
      throw model.error("max_batched_tokens", "too large: " + batched);
    }
    return new StepModelSpec(beta[0], beta[1], beta[2], (int) seqs, (int) batched, kv);
  }

  /** One step's duration in nanoseconds at speed factor 1. */
  long stepNanos(long prefillTokens, long decodeTokens) {
    return Math.max(1L, Math.round(1000.0 * (beta0Micros + beta1Micros * prefillTokens + beta2Micros * decodeTokens)));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public ReplicaModel create(EventQueue events, double speed, ModelListener listener) {
    return new StepReplica(events, this, speed, listener);
  }

  @Override
  public double capacityPerSecond(double speed, OptionalDouble meanServiceMillis) {
    return Double.NaN;
  }
}
