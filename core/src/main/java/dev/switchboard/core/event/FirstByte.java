package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * The first byte of the replica's answer arrived (for a stream, the first token): what the client
 * feels as time to first token.
 *
 * @param arrivedNanos when the request reached the runtime
 */
public record FirstByte(
    long atNanos, String pool, String replica, RequestInfo request, long arrivedNanos)
    implements RequestEvent {

  /** Time to first byte, from the request's arrival. */
  public long sinceArrivalNanos() {
    return atNanos - arrivedNanos;
  }
}
