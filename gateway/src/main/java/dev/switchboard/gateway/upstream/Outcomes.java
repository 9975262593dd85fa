package dev.switchboard.gateway.upstream;

/**
 * Where the proxy reports how each try on a replica went, for passive health (outlier ejection).
 * Called on the request path from any event loop: implementations must be cheap and thread-safe.
 */
public interface Outcomes {
  void onSuccess(UpstreamReplica replica);

  /** Connect failure, reset, timeout or a 5xx from the replica. */
  void onFailure(UpstreamReplica replica);
}
