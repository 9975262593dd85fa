package dev.switchboard.sim.model;

import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.engine.EventQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
  private double speed;
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
    // A request is its own completion event: marked, a crash finds those still to come.
    request.heldBy = this;
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

  @Override
  public List<SimRequest> abandonAll() {
    long now = events.now();
    List<SimRequest> lost = new ArrayList<>(outstanding);
    for (Event e : events.cancelAll(e -> e instanceof SimRequest r && r.heldBy == this)) {
      SimRequest r = (SimRequest) e;
      // Only the part served before the crash was busy time.
      busyNanos -= r.time() - Math.max(now, r.serviceStartNanos);
      lost.add(r);
    }
    // Those being served come first, then the queue in the order it would have been served.
    lost.sort((a, b) -> Boolean.compare(a.serviceStartNanos > now, b.serviceStartNanos > now));
    outstanding = 0;
    Arrays.fill(freeAt, now);
    return lost;
  }

  @Override
  public void setSpeed(double speed) {
    this.speed = speed;
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
