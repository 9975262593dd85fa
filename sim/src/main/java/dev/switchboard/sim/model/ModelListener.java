package dev.switchboard.sim.model;

/** How a replica model tells the simulation what happened to its requests. */
public interface ModelListener {

  /** The first token is out (streaming), or for the service-time model the whole response. */
  void onFirstToken(SimRequest request);

  /** The request is done. */
  void onComplete(SimRequest request);

  /** The model refused the request (e.g. longer than its KV cache can ever hold). */
  void onReject(SimRequest request, String reason);

  /**
   * Whether {@link #onToken} should be called for every token after the first. The live replica
   * server streams each token; the simulator leaves this off so a step stays O(log batch).
   */
  default boolean wantsTokens() {
    return false;
  }

  /** One more token of {@code request} is out (only when {@link #wantsTokens()}). */
  default void onToken(SimRequest request) {}

  /** An engine step produced {@code tokens} decode tokens, each {@code stepNanos} after its predecessor. */
  void onDecodeStep(long stepNanos, int tokens);
}
