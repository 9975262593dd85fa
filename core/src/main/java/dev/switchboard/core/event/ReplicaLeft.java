package dev.switchboard.core.event;

/** A replica left the pool; requests still running on it finish, and nothing new goes to it. */
public record ReplicaLeft(long atNanos, String pool, String replica, String reason)
    implements DecisionEvent {}
