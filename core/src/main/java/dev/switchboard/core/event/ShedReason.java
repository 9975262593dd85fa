package dev.switchboard.core.event;

/** Why the admission queue will not serve a request. */
public enum ShedReason {
  /** The request's tier is not configured. */
  UNKNOWN_TIER("unknown tier"),
  /** The queue is full of requests at least as important as this one. */
  QUEUE_FULL("admission queue full"),
  /** The request's own deadline had passed when it was offered. */
  DEADLINE_PASSED("deadline passed before queueing"),
  /** A more important request took its place in a full queue. */
  DISPLACED("displaced by a more important request"),
  /** It waited its tier's queue timeout, or its own deadline, without being dispatched. */
  EXPIRED("queue timeout");

  private final String message;

  ShedReason(String message) {
    this.message = message;
  }

  /** A short text for the response body and the logs. */
  public String message() {
    return message;
  }
}
