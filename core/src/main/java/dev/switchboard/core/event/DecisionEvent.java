package dev.switchboard.core.event;

/**
 * Something a policy decided or a runtime saw happen to a request or a replica, as an immutable
 * value. The gateway and the simulator publish the same events through {@link Decisions}; metrics,
 * traces, the dashboard and traffic recording consume them, so no policy calls a metrics library.
 *
 * <p>Times are on the publishing runtime's clock ({@link dev.switchboard.core.Clock}): wall-clock
 * nanoseconds live, virtual time in the simulator.
 */
public sealed interface DecisionEvent
    permits RequestEvent, RateLimited, ReplicaStateChanged, ReplicaJoined, ReplicaLeft {

  /** When it happened, on the runtime's clock. */
  long atNanos();

  /** The pool it happened in. */
  String pool();
}
