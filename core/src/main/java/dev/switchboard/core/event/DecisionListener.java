package dev.switchboard.core.event;

/**
 * Receives decision events. Called on the thread that made the decision (an event loop live), so
 * it must be quick and must not block; hand heavy work to another thread.
 */
@FunctionalInterface
public interface DecisionListener {
  void on(DecisionEvent event);
}
