package dev.switchboard.sim.model;

import dev.switchboard.core.replica.LoadReport;
import java.util.List;

/** A simulated replica: takes requests at the current virtual time and reports on them. */
public interface ReplicaModel {

  /** Accepts a request now. */
  void submit(SimRequest request);

  /** The load it would report if scraped now, in vLLM's terms. */
  LoadReport report();

  /** Virtual time spent serving so far, normalised to one server (so busy/elapsed ≤ 1). */
  long busyNanos();

  /**
   * The oracle's question: if {@code request} were submitted now, when would it complete? Does not
   * change the model. May stop early and return any value above {@code giveUpAfter} once the answer
   * is known to exceed it.
   */
  long predictCompletion(SimRequest request, long giveUpAfter);

  /** Requests accepted and not yet completed. */
  int outstanding();

  /**
   * The replica's process died: forgets every request it holds, without telling the listener, and
   * returns them, the ones being served first; it is idle and empty afterwards, as a restarted
   * engine would be.
   */
  List<SimRequest> abandonAll();

  /**
   * Changes the speed factor from now on (2.0: work takes twice as long). Work already timed keeps
   * its time: the step under way, or a service-time request already accepted.
   */
  void setSpeed(double speed);

  /** Called by a request's own event when it was scheduled by this model. */
  default void onRequestEvent(SimRequest request) {
    throw new IllegalStateException(getClass().getSimpleName() + " schedules no request events");
  }
}
