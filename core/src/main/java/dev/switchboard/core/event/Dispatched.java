package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * A try of the request went to a replica.
 *
 * @param attempt 1 for the first try, 2 for the first retry, ...
 */
public record Dispatched(long atNanos, String pool, String replica, RequestInfo request, int attempt)
    implements RequestEvent {}
