package dev.switchboard.sim.scenario;

/**
 * One simulated replica.
 *
 * @param id its name
 * @param speed speed factor: work takes this many times longer (2.0 = thermally throttled, half speed)
 * @param weight the weight weighted policies see
 */
public record ReplicaSpec(String id, double speed, double weight) {}
