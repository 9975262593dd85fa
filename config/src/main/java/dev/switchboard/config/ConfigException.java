package dev.switchboard.config;

/**
 * Bad input: a config or scenario field, a trace line, an option. The message names where the
 * problem is ({@code workload.rate_per_s}, {@code pools[0].replicas[1].url}, {@code file:line}), so
 * the user can fix it.
 */
public class ConfigException extends RuntimeException {
  private final String where;

  public ConfigException(String where, String problem) {
    super(where + ": " + problem);
    this.where = where;
  }

  public ConfigException(String where, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
    this.where = where;
  }

  /** The field path, option or file:line the problem is in. */
  public String where() {
    return where;
  }
}
