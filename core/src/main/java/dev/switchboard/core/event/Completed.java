package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * The request was answered in full by {@code replica}.
 *
 * @param arrivedNanos when the request reached the runtime
 * @param firstByteNanos when the first byte of the answer arrived
 * @param attempts tries it took (1 when the first one succeeded)
 * @param status the replica's HTTP status (200 in the simulator)
 */
public record Completed(
    long atNanos,
    String pool,
    String replica,
    RequestInfo request,
    long arrivedNanos,
    long firstByteNanos,
    int attempts,
    int status)
    implements RequestEvent {

  public long latencyNanos() {
    return atNanos - arrivedNanos;
  }

  public long timeToFirstByteNanos() {
    return firstByteNanos - arrivedNanos;
  }
}
