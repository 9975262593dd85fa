package dev.switchboard.gateway.admission;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.Clock;
import dev.switchboard.core.admission.AdmissionControl;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.event.ShedReason;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One pool's admission control on the data plane: the core {@link AdmissionControl} (the same
 * object the simulator runs), with each request handed back to the event loop it lives on.
 *
 * <p>Requests belong to the event loop of their client connection, and a freed slot may be seen on
 * another loop: a waiter is dispatched, or shed, on its own loop. A waiter handed out counts
 * against the free slots until its dispatch runs there, so a drain never hands out more than the
 * free slots.
 */
public final class PoolAdmission {
  /** A request waiting for a slot, as the proxy implements it. */
  public interface Waiter {
    /** The event loop the request lives on. */
    Executor eventLoop();

    /** The request's tier. */
    String tier();

    /** Dispatch now (called on {@link #eventLoop()}). */
    void dispatch();

    /** It will not be served: answer 503 with Retry-After (called on {@link #eventLoop()}). */
    void shed(ShedReason reason, int retryAfterSeconds);
  }

  private final AdmissionControl<Waiter> control;

  public PoolAdmission(Supplier<ReplicaSet> routable, AdmissionConfig config, Clock clock) {
    this.control =
        new AdmissionControl<>(
            config.newQueue(clock), config.limit(), routable, Waiter::tier, new OnTheirLoops());
  }

  /**
   * Admits a request: true when it may be dispatched right now by the caller; false when it now
   * waits (and will get {@link Waiter#dispatch()} later) or was shed (and got {@link Waiter#shed}).
   */
  public boolean admit(Waiter w, String tier, String tenant, int priority) {
    return control.admit(w, tier, tenant, priority);
  }

  /** The replicas with room, for the balancer to choose from; all routable ones if none has. */
  public ReplicaSet eligible() {
    return control.eligible();
  }

  /** A request finished or failed on this pool: hand its slot to the best waiting request. */
  public void drain() {
    control.drain();
  }

  /** Sheds the requests that waited past their tier's timeout; called by a timer. */
  public void expire() {
    control.expire();
  }

  /** The client went away while waiting. */
  public boolean remove(Waiter w) {
    return control.remove(w);
  }

  public int waiting() {
    return control.waiting();
  }

  public int retryAfterSeconds(String tier) {
    return control.retryAfterSeconds(tier);
  }

  private final class OnTheirLoops implements AdmissionControl.Runtime<Waiter> {
    @Override
    public void dispatch(Waiter w) {
      w.eventLoop()
          .execute(
              () -> {
                control.landed();
                w.dispatch();
              });
    }

    @Override
    public void shed(Waiter w, ShedReason reason, int retryAfterSeconds) {
      Executor loop = w.eventLoop();
      if (loop instanceof EventExecutor e && e.inEventLoop()) {
        w.shed(reason, retryAfterSeconds);
      } else {
        loop.execute(() -> w.shed(reason, retryAfterSeconds));
      }
    }
  }
}
