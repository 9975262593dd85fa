package dev.switchboard.core.retry;

/** How a try at a replica failed, as far as retrying it goes. */
public enum TryFailure {
  /** The replica answered with a 5xx status. */
  SERVER_ERROR,
  /** The connection could not be opened, was reset or closed, or carried a malformed answer. */
  CONNECTION,
  /** The replica did not answer, or went silent, for longer than allowed. */
  TIMEOUT
}
