package dev.switchboard.sim.scenario;

/**
 * Bad input to the simulator: a scenario field, a trace line, a policy name. The message names the
 * field path ({@code workload.rate_per_s}) or the file and line, so the user can fix it.
 */
public final class ScenarioException extends RuntimeException {
  private final String where;

  public ScenarioException(String where, String problem) {
    super(where + ": " + problem);
    this.where = where;
  }

  public ScenarioException(String where, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
    this.where = where;
  }

  /** The field path or file:line the problem is in. */
  public String where() {
    return where;
  }
}
