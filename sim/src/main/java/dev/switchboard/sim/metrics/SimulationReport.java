package dev.switchboard.sim.metrics;

import java.util.List;

/**
 * Everything one {@code simulate} run produced: the same seed gives the same report.
 *
 * @param scenario the scenario's name
 * @param description one line on what the scenario shows
 * @param seed the seed used
 * @param replicaIds replica names, by index
 * @param replicaSpeeds speed factors (1.0 nominal, 2.0 half as fast), by index
 * @param results one per policy, in the order asked for
 */
public record SimulationReport(
    String scenario,
    String description,
    long seed,
    List<String> replicaIds,
    List<Double> replicaSpeeds,
    List<PolicyResult> results) {}
