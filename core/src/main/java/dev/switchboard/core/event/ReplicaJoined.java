package dev.switchboard.core.event;

import dev.switchboard.core.replica.ReplicaState;

/** A replica joined the pool, in state {@code state}. */
public record ReplicaJoined(long atNanos, String pool, String replica, ReplicaState state)
    implements DecisionEvent {}
