package dev.switchboard.sim.policy;

import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.sim.model.ReplicaModel;
import dev.switchboard.sim.model.SimRequest;
import java.util.function.Function;

/**
 * Simulator only: knows each replica's exact outstanding work and sends each request where it will
 * finish soonest. No live policy can do better greedily, so it is the bound the real ones are judged
 * against. Ties go to the first replica, for determinism.
 */
final class OraclePolicy implements SimPolicy {
  static final String NAME = "oracle";

  private final Function<Replica, ReplicaModel> models;

  OraclePolicy(Function<Replica, ReplicaModel> models) {
    this.models = models;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Replica choose(SimRequest request, ReplicaSet candidates) {
    Replica best = null;
    long bestFinish = Long.MAX_VALUE;
    for (int i = 0; i < candidates.size(); i++) {
      Replica r = candidates.get(i);
      long finish = models.apply(r).predictCompletion(request, bestFinish);
      if (best == null || finish < bestFinish) {
        best = r;
        bestFinish = finish;
      }
    }
    return best;
  }
}
