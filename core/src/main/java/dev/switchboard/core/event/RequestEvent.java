package dev.switchboard.core.event;

import dev.switchboard.core.request.RequestInfo;

/**
 * An event in one request's life. The {@link RequestInfo} is the request's own instance, the same in
 * every event about it, so a consumer can follow one request by identity.
 */
public sealed interface RequestEvent extends DecisionEvent
    permits Dispatched, FirstByte, Completed, Failed, Retried, Shed {

  RequestInfo request();
}
