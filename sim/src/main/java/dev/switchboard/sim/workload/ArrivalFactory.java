package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/**
 * Gives arrivals everything but their time: sequence number, sizes, service time, tier and tenant,
 * each drawn from its own random stream.
 */
final class ArrivalFactory {
  private final TokenDistribution prompt;
  private final TokenDistribution output;
  private final DurationDistribution service;
  private final TierMix tiers;
  private final RandomStreams streams;
  private long nextId;

  /**
   * @param prompt prompt sizes; null when a trace gives them
   * @param output output sizes; null when a trace gives them
   * @param service service times; null when the workload has none
   */
  ArrivalFactory(
      TokenDistribution prompt,
      TokenDistribution output,
      DurationDistribution service,
      TierMix tiers,
      RandomStreams streams) {
    this.prompt = prompt;
    this.output = output;
    this.service = service;
    this.tiers = tiers;
    this.streams = streams;
  }

  /** An arrival sized by the token distributions. */
  Arrival synthetic(long atNanos) {
    int p = prompt.sample(streams.prompt);
    int o = output.sample(streams.output);
    return make(atNanos, p, o, Arrival.NO_HASHES);
  }

  /** An arrival sized by a trace record. */
  Arrival replayed(long atNanos, int promptTokens, int outputTokens, long[] blockHashes) {
    return make(atNanos, promptTokens, outputTokens, blockHashes);
  }

  private Arrival make(long atNanos, int promptTokens, int outputTokens, long[] blockHashes) {
    long serviceNanos = service == null ? 0 : service.sampleNanos(streams.service);
    SplittableRandom tierRnd = streams.tiers;
    Tier tier = tiers.pickTier(tierRnd);
    String tenant = tier.pickTenant(tierRnd);
    // A response has at least one token; traces do record some with 0.
    int out = Math.max(1, outputTokens);
    return new Arrival(
        nextId++, atNanos, promptTokens, out, serviceNanos, tenant, tier.name(), blockHashes);
  }
}
