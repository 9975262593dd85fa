package dev.switchboard.sim.fault;

import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.sim.model.ReplicaModel;
import dev.switchboard.sim.model.SimRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A simulated replica with the faults of its {@link FaultSpec}, around its model:
 *
 * <ul>
 *   <li><b>Errors.</b> In the window, each request sent to it is answered with a 5xx with the
 *       given probability, after the given delay, without reaching the engine.
 *   <li><b>Crash.</b> Every request it holds fails at once as a connection reset, and the engine
 *       forgets them; while it is down, requests fail to connect (at once) and it {@link
 *       #answers() answers} no probe or scrape. It recovers empty.
 *   <li><b>Slow-down.</b> Its speed factor is multiplied for the window.
 * </ul>
 *
 * <p>Failed tries go to the {@link Listener}; what follows (health, retries) is the runtime's
 * business. The dice are the replica's own stream, so faults repeat exactly for a seed and leave
 * the workload's and the policy's random draws as they were.
 */
public final class FaultyReplica implements ReplicaModel {

  /** Told of every try the faults fail. */
  @FunctionalInterface
  public interface Listener {
    /**
     * The try of {@code request} on this replica failed before the replica answered it.
     *
     * @param cause {@link FailureCause#SERVER_ERROR} or {@link FailureCause#CONNECTION}
     */
    void onTryFailed(SimRequest request, FailureCause cause);
  }

  private final ReplicaModel model;
  private final double speed;
  private final FaultSpec spec;
  private final EventQueue events;
  private final SplittableRandom dice;
  private final Listener listener;
  /** Tries failing after a delay, in the order they were failed. */
  private final List<Failure> failing = new ArrayList<>();
  private boolean crashed;

  /**
   * @param model the replica's engine
   * @param speed its speed factor before any slow-down
   * @param dice from {@link #dice}
   */
  public FaultyReplica(
      ReplicaModel model, double speed, FaultSpec spec, EventQueue events, SplittableRandom dice, Listener listener) {
    this.model = Objects.requireNonNull(model, "model");
    this.speed = speed;
    this.spec = Objects.requireNonNull(spec, "spec");
    this.events = Objects.requireNonNull(events, "events");
    this.dice = Objects.requireNonNull(dice, "dice");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The dice for one replica's faults: apart from the workload's streams and the policy's. */
  public static SplittableRandom dice(long seed, String replicaId) {
    return new SplittableRandom(seed * 0xBF58476D1CE4E5B9L + replicaId.hashCode() * 0x94D049BB133111EBL).split();
  }

  /** Schedules the crash, the recovery and the slow-down at their times. */
  public void start() {
    FaultSpec.Crash crash = spec.crash();
    if (crash != null) {
      at(crash.atNanos(), this::crash);
      at(crash.recoverAtNanos(), () -> crashed = false);
    }
    FaultSpec.SlowDown slow = spec.slowDown();
    if (slow != null) {
      at(slow.atNanos(), () -> model.setSpeed(speed * slow.factor()));
      at(slow.untilNanos(), () -> model.setSpeed(speed));
    }
  }

  /** Whether it answers now: false while crashed, when probes and scrapes fail. */
  public boolean answers() {
    return !crashed;
  }

  @Override
  public void submit(SimRequest request) {
    long now = events.now();
    if (crashed) {
      fail(request, FailureCause.CONNECTION, now);
      return;
    }
    FaultSpec.Errors errors = spec.errors();
    if (errors != null
        && now >= errors.fromNanos()
        && now < errors.untilNanos()
        && dice.nextDouble() < errors.rate()) {
      fail(request, FailureCause.SERVER_ERROR, now + errors.delayNanos());
      return;
    }
    model.submit(request);
  }

  @Override
  public void onRequestEvent(SimRequest request) {
    model.onRequestEvent(request);
  }

  @Override
  public LoadReport report() {
    return model.report();
  }

  @Override
  public long busyNanos() {
    return model.busyNanos();
  }

  @Override
  public long predictCompletion(SimRequest request, long giveUpAfter) {
    return crashed ? Long.MAX_VALUE : model.predictCompletion(request, giveUpAfter);
  }

  @Override
  public int outstanding() {
    return model.outstanding() + failing.size();
  }

  @Override
  public List<SimRequest> abandonAll() {
    List<SimRequest> lost = new ArrayList<>(model.abandonAll());
    for (Failure f : failing) {
      events.cancel(f);
      lost.add(f.request);
    }
    failing.clear();
    return lost;
  }

  @Override
  public void setSpeed(double factor) {
    model.setSpeed(factor);
  }

  private void crash() {
    crashed = true;
    // A dead process resets its connections: every request on it fails now, an answer to come
    // (a 5xx on its way) included.
    for (SimRequest r : abandonAll()) {
      listener.onTryFailed(r, FailureCause.CONNECTION);
    }
  }

  private void fail(SimRequest request, FailureCause cause, long at) {
    Failure f = new Failure(request, cause);
    failing.add(f);
    events.schedule(f, at);
  }

  private void at(long nanos, Runnable action) {
    if (nanos != Long.MAX_VALUE) {
      events.schedule(
          new Event() {
            @Override
            protected void fire() {
              action.run();
            }
          },
          Math.max(nanos, events.now()));
    }
  }

  /** One try failing at its time. */
  private final class Failure extends Event {
    final SimRequest request;
    final FailureCause cause;

    Failure(SimRequest request, FailureCause cause) {
      this.request = request;
      this.cause = cause;
    }

    @Override
    protected void fire() {
      failing.remove(this);
      listener.onTryFailed(request, cause);
    }
  }
}
