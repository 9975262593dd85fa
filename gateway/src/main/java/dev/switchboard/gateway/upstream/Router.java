package dev.switchboard.gateway.upstream;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds the pool serving a model. Immutable after construction. */
public final class Router {
  private final List<ReplicaPool> pools;
  private final Map<String, ReplicaPool> byModel = new HashMap<>();

  public Router(List<ReplicaPool> pools) {
    this.pools = List.copyOf(pools);
    for (ReplicaPool p : pools) {
      for (String m : p.models()) {
        byModel.put(m, p);
      }
    }
  }

  /** The pool serving {@code model}, or null. */
  public ReplicaPool poolFor(String model) {
    return byModel.get(model);
  }

  public List<ReplicaPool> pools() {
    return pools;
  }
}
