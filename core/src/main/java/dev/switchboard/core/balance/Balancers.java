package dev.switchboard.core.balance;

import dev.switchboard.core.Randomness;
import java.util.List;

/** The registry of balancers by their configuration names. */
public final class Balancers {
  private static final List<String> NAMES =
      List.of(
          RoundRobinBalancer.NAME,
          LeastRequestsBalancer.NAME,
          PeakEwmaBalancer.NAME,
          P2cLeastRequestsBalancer.NAME,
          P2cPeakEwmaBalancer.NAME,
          LlmAwareBalancer.NAME,
          ShortestExpectedDelayBalancer.NAME);

  private Balancers() {}

  /** Every name {@link #create} accepts, in a stable order. */
  public static List<String> names() {
    return NAMES;
  }

  public static boolean exists(String name) {
    return NAMES.contains(name);
  }

  /**
   * @throws IllegalArgumentException naming the known balancers when {@code name} is not one
   */
  public static Balancer create(String name, BalancerOptions options, Randomness random) {
    return switch (name) {
      case RoundRobinBalancer.NAME -> new RoundRobinBalancer(random.nextInt(Integer.MAX_VALUE));
      case LeastRequestsBalancer.NAME -> new LeastRequestsBalancer(random);
      case PeakEwmaBalancer.NAME -> new PeakEwmaBalancer(random);
      case P2cLeastRequestsBalancer.NAME -> new P2cLeastRequestsBalancer(random);
      case P2cPeakEwmaBalancer.NAME -> new P2cPeakEwmaBalancer(random);
      case LlmAwareBalancer.NAME -> new LlmAwareBalancer(random, options.llmAware());
      case ShortestExpectedDelayBalancer.NAME -> new ShortestExpectedDelayBalancer(random);
      default -> throw new IllegalArgumentException(
          "unknown balancer '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }

  public static Balancer create(String name, Randomness random) {
    return create(name, BalancerOptions.DEFAULTS, random);
  }
}
