package dev.switchboard.sim.scenario;

import dev.switchboard.sim.fault.FaultSpec;

/**
 * One simulated replica.
 *
 * @param id its name
 * @param speed speed factor: work takes this many times longer (2.0 = thermally throttled, half speed)
 * @param weight the weight weighted policies see
 * @param faults what goes wrong with it, and when ({@link FaultSpec#NONE}: nothing)
 */
public record ReplicaSpec(String id, double speed, double weight, FaultSpec faults) {}
