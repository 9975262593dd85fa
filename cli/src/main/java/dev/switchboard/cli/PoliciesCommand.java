package dev.switchboard.cli;

import dev.switchboard.sim.policy.Policies;
import picocli.CommandLine.Command;

/** Lists the policy names {@code simulate --policies} and the gateway's config accept. */
@Command(
    name = "policies",
    mixinStandardHelpOptions = true,
    description = "List the load-balancing policies (oracle is simulator-only).")
final class PoliciesCommand implements Runnable {
  @Override
  public void run() {
    Policies.names().forEach(System.out::println);
  }
}
