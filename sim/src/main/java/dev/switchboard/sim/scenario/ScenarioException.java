package dev.switchboard.sim.scenario;

import dev.switchboard.config.ConfigException;

/**
 * Bad input to the simulator that no scenario field holds: an option of {@code simulate}, a policy
 * name. A bad trace line is a {@link dev.switchboard.sim.trace.TraceException}.
 */
public final class ScenarioException extends ConfigException {

  public ScenarioException(String where, String problem) {
    super(where, problem);
  }

  public ScenarioException(String where, String problem, Throwable cause) {
    super(where, problem, cause);
  }
}
