package dev.switchboard.sim.metrics;

import dev.switchboard.core.replica.ReplicaState;

/**
 * A replica moved from one state to another during a run.
 *
 * @param atSeconds when, in virtual seconds from the start of the run
 * @param reason what moved it ("ejected for 5000 ms after 5 consecutive failures", "probe passed")
 */
public record StateChange(double atSeconds, ReplicaState from, ReplicaState to, String reason) {}
