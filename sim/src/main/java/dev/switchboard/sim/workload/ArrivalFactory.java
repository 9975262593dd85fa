package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/**
 * Gives arrivals everything but their time: sequence number, sizes, service time, tier and tenant,
 * each drawn from its own random stream.
 */
final class ArrivalFactory {
  private final RequestShape shape;
  private final RandomStreams streams;
  private long nextId;

  ArrivalFactory(RequestShape shape, RandomStreams streams) {
    this.shape = shape;
    this.streams = streams;
  }

  /** How many arrivals it has made: the sequence number the next one gets. */
  long made() {
    return nextId;
  }

  /** An arrival sized by the token distributions. */
  Arrival synthetic(long atNanos) {
    int p = shape.prompt().sample(streams.prompt);
    int o = shape.output().sample(streams.output);
    return make(atNanos, p, o, Arrival.NO_HASHES);
  }

  /** An arrival sized by a trace record. */
  Arrival replayed(long atNanos, int promptTokens, int outputTokens, long[] blockHashes) {
    return make(atNanos, promptTokens, outputTokens, blockHashes);
  }

  private Arrival make(long atNanos, int promptTokens, int outputTokens, long[] blockHashes) {
    DurationDistribution service = shape.service();
    long serviceNanos = service == null ? 0 : service.sampleNanos(streams.service);
    SplittableRandom tierRnd = streams.tiers;
    Tier tier = shape.tiers().pickTier(tierRnd);
    String tenant = tier.pickTenant(tierRnd);
    // A response has at least one token; traces do record some with 0.
    int out = Math.max(1, outputTokens);
    return new Arrival(
        nextId++, atNanos, promptTokens, out, serviceNanos, tenant, tier.name(), blockHashes);
  }
}
