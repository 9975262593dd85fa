package dev.switchboard.core.event;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where a runtime publishes its {@link DecisionEvent}s, and listeners subscribe.
 *
 * <p>Costs nothing when unused: a publisher asks {@link #active()} (one volatile read) before it
 * builds an event, so a runtime with no listener allocates nothing. Listeners are kept in a
 * copy-on-write array; subscribing is rare, publishing frequent. A listener that throws is logged
 * and the others still hear the event: telemetry must never fail a request.
 */
public final class Decisions {
  private static final System.Logger LOG = System.getLogger(Decisions.class.getName());
  private static final DecisionListener[] NONE = new DecisionListener[0];

  private volatile DecisionListener[] listeners = NONE;

  /** Whether anyone listens: build the event only if so. */
  public boolean active() {
    return listeners.length != 0;
  }

  public synchronized void subscribe(DecisionListener listener) {
    Objects.requireNonNull(listener, "listener");
    DecisionListener[] now = listeners;
    DecisionListener[] next = Arrays.copyOf(now, now.length + 1);
    next[now.length] = listener;
    listeners = next;
  }

  public synchronized void unsubscribe(DecisionListener listener) {
    DecisionListener[] now = listeners;
    for (int i = 0; i < now.length; i++) {
      if (now[i] == listener) {
        DecisionListener[] next = new DecisionListener[now.length - 1];
        System.arraycopy(now, 0, next, 0, i);
        System.arraycopy(now, i + 1, next, i, now.length - i - 1);
        listeners = next.length == 0 ? NONE : next;
        return;
      }
    }
  }

  public void publish(DecisionEvent event) {
    for (DecisionListener l : listeners) {
      try {
        l.on(event);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "decision listener " + l + " failed on " + event, e);
      }
    }
  }
}
