package dev.switchboard.sim.model;

import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.workload.Arrival;
import java.util.ArrayList;
import java.util.List;

/**
 * One request on its way through the simulator: the arrival, what the policies see of it, where it
 * went and when each thing happened. It is also its own completion event in the service-time model,
 * so that a request costs one object, not two.
 */
public final class SimRequest extends Event {
  private final Arrival arrival;
  private final RequestInfo info;

  Replica replica;
  long startStamp;
  long serviceStartNanos = -1;
  long firstTokenNanos = -1;
  long completedNanos = -1;
  private ReplicaModel owner;
  private Object attachment;
  private int attempts;
  /** Replicas whose try failed, so a retry goes elsewhere; null until the first retry. */
  private List<Replica> tried;

  /** The service-time model that holds it, so that a crash can find it among the events. */
  ReplicaModel heldBy;

  // State of the step model: tokens still to prefill (prompt, plus output regenerated after a
  // preemption) and to generate, and the engine steps it joined and will finish in.
  int prefillTokens;
  int remainingTokens;
  long admitStep;
  long finishStep;

  public SimRequest(Arrival arrival, RequestInfo info) {
    this.arrival = arrival;
    this.info = info;
    this.prefillTokens = arrival.promptTokens();
    this.remainingTokens = Math.max(1, arrival.outputTokens());
  }

  /** A copy of the engine state, for a model to run ahead on (the oracle's prediction). */
  SimRequest copy() {
    SimRequest c = new SimRequest(arrival, info);
    c.serviceStartNanos = serviceStartNanos;
    c.firstTokenNanos = firstTokenNanos;
    c.prefillTokens = prefillTokens;
    c.remainingTokens = remainingTokens;
    c.admitStep = admitStep;
    c.finishStep = finishStep;
    return c;
  }

  public Arrival arrival() {
    return arrival;
  }

  public RequestInfo info() {
    return info;
  }

  public long arrivalNanos() {
    return arrival.atNanos();
  }

  /** The replica it was sent to, or null before dispatch. */
  public Replica replica() {
    return replica;
  }

  /** Records the dispatch: the policy's replica and the stamp it returned; counts the try. */
  public void dispatchedTo(Replica replica, long startStamp, ReplicaModel model) {
    this.replica = replica;
    this.startStamp = startStamp;
    this.owner = model;
    attempts++;
  }

  /** Tries made so far: 1 once it was first dispatched. */
  public int attempts() {
    return attempts;
  }

  /**
   * The try on {@link #replica()} failed and the request goes elsewhere: remembers the replica as
   * tried, and forgets what that replica did to the request, so the next one starts it afresh.
   */
  public void retryElsewhere() {
    if (tried == null) {
      tried = new ArrayList<>(2);
    }
    tried.add(replica);
    replica = null;
    owner = null;
    heldBy = null;
    serviceStartNanos = -1;
    firstTokenNanos = -1;
    completedNanos = -1;
    prefillTokens = arrival.promptTokens();
    remainingTokens = Math.max(1, arrival.outputTokens());
    admitStep = 0;
    finishStep = 0;
  }

  /** Replicas whose try failed, in order; empty before the first retry. */
  public List<Replica> tried() {
    return tried == null ? List.of() : tried;
  }

  /** Whatever the runtime driving the model keeps with the request (the live server: its stream). */
  public Object attachment() {
    return attachment;
  }

  public void attach(Object value) {
    this.attachment = value;
  }

  public long startStamp() {
    return startStamp;
  }

  /** When the replica began serving it (left the replica's queue), or -1. */
  public long serviceStartNanos() {
    return serviceStartNanos;
  }

  /** When its first token (or, unstreamed, its whole response) was ready, or -1. */
  public long firstTokenNanos() {
    return firstTokenNanos;
  }

  public long completedNanos() {
    return completedNanos;
  }

  @Override
  protected void fire() {
    owner.onRequestEvent(this);
  }
}
