package dev.switchboard.sim.policy;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.core.balance.Balancers;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.sim.model.ReplicaModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** The simulator's policies by name: every core balancer, plus the oracle. */
public final class Policies {
  private Policies() {}

  public static List<String> names() {
    List<String> names = new ArrayList<>(Balancers.names());
    names.add(OraclePolicy.NAME);
    return Collections.unmodifiableList(names);
  }

  public static boolean exists(String name) {
    return names().contains(name);
  }

  /**
   * @param models each replica's model, for the policies that look inside (the oracle)
   * @throws IllegalArgumentException naming the known policies when {@code name} is not one
   */
  public static SimPolicy create(
      String name, BalancerOptions options, Randomness random, Function<Replica, ReplicaModel> models) {
    if (OraclePolicy.NAME.equals(name)) {
      return new OraclePolicy(models);
    }
    if (!Balancers.exists(name)) {
      throw new IllegalArgumentException(
          "unknown policy '" + name + "'; known: " + String.join(", ", names()));
    }
    return new BalancerPolicy(Balancers.create(name, options, random));
  }
}
