package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * The request ended in an error for the client, after its last try.
 *
 * @param replica the replica of the last try, or null when none was tried
 * @param arrivedNanos when the request reached the runtime
 * @param attempts tries made (0 when no replica could be tried)
 */
public record Failed(
    long atNanos,
    String pool,
    String replica,
    RequestInfo request,
    long arrivedNanos,
    FailureCause cause,
    int attempts)
    implements RequestEvent {}
