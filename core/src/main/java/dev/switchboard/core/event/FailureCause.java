package dev.switchboard.core.event;

/** Why a try at a replica, or a whole request, failed. */
public enum FailureCause {
  /** No connection to the replica, or it was reset before any answer. */
  CONNECTION,
  /** The replica answered with a 5xx. */
  SERVER_ERROR,
  /** The replica did not answer, or stopped answering, in time. */
  TIMEOUT,
  /** The replica failed after part of the answer had gone to the client. */
  MID_ANSWER,
  /** No replica could be tried (none routable, or every one tried already). */
  NO_REPLICA,
  /** The replica refused the request outright (a request it can never serve). */
  REFUSED
}
