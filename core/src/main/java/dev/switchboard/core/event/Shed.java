package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * The admission queue will not serve the request: refused on arrival, displaced by a more
 * important one, or expired while waiting (a 503 with {@code Retry-After} live).
 *
 * @param arrivedNanos when the request reached the runtime
 */
public record Shed(long atNanos, String pool, RequestInfo request, long arrivedNanos, ShedReason reason)
    implements RequestEvent {}
