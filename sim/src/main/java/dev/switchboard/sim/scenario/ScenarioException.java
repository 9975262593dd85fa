package dev.switchboard.sim.scenario;

import dev.switchboard.config.ConfigException;

/** Bad input to the simulator: a scenario field, a trace line, a policy name. */
public final class ScenarioException extends ConfigException {

  public ScenarioException(String where, String problem) {
    super(where, problem);
  }

  public ScenarioException(String where, String problem, Throwable cause) {
    super(where, problem, cause);
  }
}
