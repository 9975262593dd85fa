package dev.switchboard.core.replica;

/** An immutable picture of a replica at one moment, for reports and the admin API. */
public record ReplicaSnapshot(
    String id,
    double weight,
    ReplicaState state,
    int inFlight,
    double latencyEwmaNanos,
    double serviceRatePerSecond,
    LoadReport load) {}
