package dev.switchboard.core.balance;

import dev.switchboard.core.request.RequestInfo;

/**
 * Chooses the replica for one request among the candidates. Implementations read the replicas'
 * state and never change it (the runtime reports dispatches and completions to the replicas),
 * are safe to call from several threads at once, and allocate nothing per pick.
 */
public interface Balancer {

  /**
   * @param candidates the routable replicas, never modified
   * @param request what is known of the request
   * @return the decision; {@link Pick#noReplica()} when {@code candidates} is empty
   */
  Pick pick(ReplicaSet candidates, RequestInfo request);

  /** The name this balancer is configured by, e.g. {@code peak-ewma}. */
  String name();
}
