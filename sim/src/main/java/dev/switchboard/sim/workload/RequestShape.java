package dev.switchboard.sim.workload;

/**
 * What a workload's requests are like apart from when they arrive.
 *
 * @param prompt prompt sizes; null when a trace gives them
 * @param output output sizes; null when a trace gives them
 * @param service service times; null when the workload has none
 * @param tiers the tiers and tenants requests are spread over
 */
record RequestShape(
    TokenDistribution prompt,
    TokenDistribution output,
    DurationDistribution service,
    TierMix tiers) {}
