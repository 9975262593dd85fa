package dev.switchboard.core.event;

import dev.switchboard.core.replica.ReplicaState;

/**
 * A replica moved from one state to another.
 *
 * @param reason what moved it, for operators ("ejected after 5 consecutive failures", "probe
 *     passed", "drain")
 */
public record ReplicaStateChanged(
    long atNanos, String pool, String replica, ReplicaState from, ReplicaState to, String reason)
    implements DecisionEvent {}
