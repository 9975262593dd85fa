package dev.switchboard.core.replica;

/** Where a replica stands in its life; only {@link #READY} replicas take new requests. */
public enum ReplicaState {
  /** Started but not yet passing health checks (a cold start can take minutes). */
  STARTING,
  /** Healthy and taking requests. */
  READY,
  /** Finishing what it has, taking nothing new (scale-down, shutdown). */
  DRAINING,
  /** Taken out by outlier detection; re-admitted after a back-off. */
  EJECTED,
  /** Failing health checks or gone. */
  DOWN;

  public boolean isRoutable() {
    return this == READY;
  }
}
