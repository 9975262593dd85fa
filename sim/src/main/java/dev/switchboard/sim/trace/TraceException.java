package dev.switchboard.sim.trace;

import dev.switchboard.config.ConfigException;

/**
 * A trace that cannot be read or replayed, located at {@code FILE} or {@code FILE:LINE}. Bad input
 * like any {@link ConfigException}: the user fixes the line it names.
 */
public final class TraceException extends ConfigException {

  public TraceException(String where, String problem) {
    super(where, problem);
  }

  public TraceException(String where, String problem, Throwable cause) {
    super(where, problem, cause);
  }
}
