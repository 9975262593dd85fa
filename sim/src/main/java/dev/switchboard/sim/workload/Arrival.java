package dev.switchboard.sim.workload;

/**
 * One request as a workload produces it, before any policy sees it. Immutable, and identical across
 * the policies of one run (common random numbers: every policy faces the same requests).
 *
 * @param id sequence number from 0, in arrival order
 * @param atNanos arrival time on the virtual clock, from 0
 * @param promptTokens prompt length (≥ 0)
 * @param outputTokens tokens the model will generate (≥ 1)
 * @param serviceNanos for the service-time replica model: the request's work at speed factor 1.0,
 *     or 0 when the workload does not give one (the model then derives it from the tokens)
 * @param tenant who sent it
 * @param tier the tenant's tier
 * @param blockHashes prefix-cache block hashes (Mooncake traces), or an empty array
 */
public record Arrival(
    long id,
    long atNanos,
    int promptTokens,
    int outputTokens,
    long serviceNanos,
    String tenant,
    String tier,
    long[] blockHashes) {

  public static final long[] NO_HASHES = new long[0];
}
