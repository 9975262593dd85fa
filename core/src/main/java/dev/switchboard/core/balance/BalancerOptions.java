package dev.switchboard.core.balance;

/**
 * Settings of the configurable balancers. Defaults follow the sources the policies come from.
 *
 * @param llmAware scorer weights of {@code llm-aware}
 */
public record BalancerOptions(LlmAwareWeights llmAware) {

  public static final BalancerOptions DEFAULTS = new BalancerOptions(LlmAwareWeights.DEFAULTS);

  public BalancerOptions {
    if (llmAware == null) {
      throw new IllegalArgumentException("llm_aware weights must be given");
    }
  }

  /**
   * Weights of the {@code llm-aware} scorers; each must be ≥ 0 and at least one > 0.
   *
   * @param queue weight of the engine's waiting queue
   * @param kvCache weight of free KV cache
   * @param inFlight weight of this runtime's outstanding requests
   */
  public record LlmAwareWeights(double queue, double kvCache, double inFlight) {
    public static final LlmAwareWeights DEFAULTS = new LlmAwareWeights(1.0, 1.0, 1.0);

    public LlmAwareWeights {
      check("queue", queue);
      check("kv_cache", kvCache);
      check("in_flight", inFlight);
      if (queue + kvCache + inFlight <= 0.0) {
        throw new IllegalArgumentException("llm_aware weights: at least one must be > 0");
      }
    }

    private static void check(String field, double value) {
      if (!(value >= 0.0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(
            "llm_aware." + field + " must be a number >= 0, was " + value);
      }
    }
  }
}
