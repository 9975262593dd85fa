package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * A try failed before anything reached the client, and the request goes to another replica.
 *
 * @param failedReplica the replica whose try failed
 * @param nextAttempt the number of the try about to be made (2 for the first retry)
 */
public record Retried(
    long atNanos, String pool, String failedReplica, RequestInfo request, FailureCause cause, int nextAttempt)
    implements RequestEvent {}
