package dev.switchboard.sim.model;

import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.sim.engine.EventQueue;

/**
 * The seed's replica: a FIFO queue in front of {@code slots} servers; a request occupies one server
 * for its service time × the speed factor (2.0 = half as fast, a thermally throttled GPU). The
 * response comes whole at the end, so its first byte is its completion.
 *
 * <p>With FIFO order and known service times the schedule is determined at submission: each
 * request starts when the earliest server frees up. That makes the oracle's prediction exact.
 */
final class ServiceTimeReplica implements ReplicaModel {
  private final EventQueue events;
  private final ModelListener listener;
  private final ServiceTimeSpec spec;
  private final double speed;
  /** When each server is next free, counting every request already accepted. */
  private final long[] freeAt;
  private int outstanding;
  private long busyNanos;

  ServiceTimeReplica(EventQueue events, ServiceTimeSpec spec, double speed, ModelListener listener) {
    this.events = events;
    this.listener = listener;
    this.spec = spec;
    this.speed = speed;
    this.freeAt = new long[spec.slots()];
  }

  @Override
  public void submit(SimRequest request) {
    long now = events.now();
    int slot = earliestSlot();
    long start = Math.max(now, freeAt[slot]);
    long service = serviceNanos(request);
    freeAt[slot] = start + service;
    busyNanos += service;
    request.serviceStartNanos = start;
    outstanding++;
    events.schedule(request, start + service);
  }

  @Override
  public void onRequestEvent(SimRequest request) {
    outstanding--;
    long now = events.now();
    request.firstTokenNanos = now;
    listener.onFirstToken(request);
    request.completedNanos = now;
    listener.onComplete(request);
  }

  @Override
  public LoadReport report() {
    // FIFO servers are work-conserving: the first `slots` outstanding requests are running.
    int running = Math.min(outstanding, freeAt.length);
    return new LoadReport(outstanding - running, running, 0.0, events.now());
  }

  @Override
  public long busyNanos() {
    return busyNanos / freeAt.length;
  }

  @Override
  public long predictCompletion(SimRequest request, long giveUpAfter) {
    return Math.max(events.now(), freeAt[earliestSlot()]) + serviceNanos(request);
  }

  @Override
  public int outstanding() {
    return outstanding;
  }

  private long serviceNanos(SimRequest request) {
    return Math.round(spec.workNanos(request.arrival()) * speed);
  }

  private int earliestSlot() {
    int best = 0;
    for (int i = 1; i < freeAt.length; i++) {
      if (freeAt[i] < freeAt[best]) {
        best = i;
      }
    }
    return best;
  }
}
