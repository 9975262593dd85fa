package dev.switchboard.replica;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.sim.model.ModelListener;
import dev.switchboard.sim.model.ReplicaModel;
import dev.switchboard.sim.model.ReplicaModelSpec;
import dev.switchboard.sim.model.SimRequest;
import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The simulator's replica model run on the system clock: virtual time is {@code System.nanoTime()}
 * since start, and a single Vert.x timer stands in for the simulator's loop, firing each event when
 * real time reaches it. The model code is exactly the simulator's.
 *
 * <p>Everything happens on the event-loop thread that created the engine (the model is not
 * thread-safe), which also means the listener's callbacks may write straight to HTTP responses.
 * The timer is the event loop's own, set to the nanosecond; an event fires as late as the loop's
 * wake-up (about a tenth of a millisecond on the machine measured), and event times themselves
 * stay exact, so the lateness never accumulates.
 */
final class RealTimeEngine {

  /** The engine's wake-ups: the event loop's timer in a replica, a recording one in tests. */
  interface Wakeups {
    /** Runs {@code task} on the engine's thread after {@code delayNanos} (> 0); returns its cancel. */
    Runnable after(long delayNanos, Runnable task);
  }

  private final Wakeups wakeups;
  private final LongSupplier wall;
  private final Thread loop;
  private final long origin;
  private final ManualClock clock;
  private final EventQueue events;
  private final ReplicaModel model;
  private Runnable cancelTimer;
  private long timerGeneration;
  private long timerAt = Long.MAX_VALUE;
  private boolean stopped;

  /**
   * Must be created on the event-loop thread that will drive it. {@code clock} must read 0: the
   * listener may read it to time its callbacks, but only this engine moves it.
   */
  RealTimeEngine(Vertx vertx, ManualClock clock, ReplicaModelSpec spec, double speed, ModelListener listener) {
    this(clock, spec, speed, listener, eventLoopWakeups(vertx), System::nanoTime);
  }

  /** As above, with the wake-ups and the real time ({@link System#nanoTime}'s in a replica) given. */
  RealTimeEngine(
      ManualClock clock, ReplicaModelSpec spec, double speed, ModelListener listener, Wakeups wakeups, LongSupplier wall) {
    if (clock.nanoTime() != 0) {
      throw new IllegalArgumentException("the engine's clock must start at 0, was " + clock.nanoTime());
    }
    this.wakeups = wakeups;
    this.wall = wall;
    this.loop = Thread.currentThread();
    this.origin = wall.getAsLong();
    this.clock = clock;
    this.events = new EventQueue(clock);
    this.model = spec.create(events, speed, listener);
  }

  /** Real time since start, in nanoseconds: the virtual time the model is brought up to. */
  long now() {
    return wall.getAsLong() - origin;
  }

  /**
   * The event loop's own timer (Netty's scheduler under Vert.x's {@code timer}), to the nanosecond:
   * a millisecond timer ({@code setTimer}) would hold each step's tokens back by up to 1 ms, which a
   * live time to first token would carry and a simulated one would not.
   */
  private static Wakeups eventLoopWakeups(Vertx vertx) {
    return (delayNanos, task) -> {
      Timer timer = vertx.timer(delayNanos, TimeUnit.NANOSECONDS);
      timer.onSuccess(v -> task.run());
      return timer::cancel;
    };
  }

  /** Hands {@code request} to the model at the current real time. */
  void submit(SimRequest request) {
    catchUp();
    request.dispatchedTo(null, clock.nanoTime(), model);
    model.submit(request);
    rearm();
  }

  /** The model's load as of now, in vLLM's terms. */
  LoadReport report() {
    catchUp();
    LoadReport report = model.report();
    rearm();
    return report;
  }

  /** Freezes the model, as a crashed process would: no event fires after this. */
  void stop() {
    requireLoop();
    stopped = true;
    cancelTimer();
  }

  /** Fires every event that real time has reached, then moves the clock to now. */
  private void catchUp() {
    requireLoop();
    if (stopped) {
      throw new IllegalStateException("the engine is stopped");
    }
    long realNow = now();
    while (events.nextTime() <= realNow) {
      events.step();
    }
    clock.setNanos(realNow);
  }

  /** Keeps exactly one timer, due at the next event. */
  private void rearm() {
    long next = events.nextTime();
    if (next == timerAt) {
      return;
    }
    cancelTimer();
    if (next == Long.MAX_VALUE) {
      return;
    }
    // Exactly when the event is due, at least 1 ns ahead as a timer requires.
    long delayNanos = next - now();
    timerAt = next;
    long generation = ++timerGeneration;
    cancelTimer =
        wakeups.after(
            Math.max(1L, delayNanos),
            () -> {
              // A wake-up cancelled too late to stop it is ignored.
              if (generation == timerGeneration) {
                onTimer();
              }
            });
  }

  private void onTimer() {
    cancelTimer = null;
    timerAt = Long.MAX_VALUE;
    if (stopped) {
      return;
    }
    catchUp();
    rearm();
  }

  private void cancelTimer() {
    if (cancelTimer != null) {
      cancelTimer.run();
    }
    cancelTimer = null;
    timerGeneration++;
    timerAt = Long.MAX_VALUE;
  }

  private void requireLoop() {
    if (Thread.currentThread() != loop) {
      throw new IllegalStateException(
          "the replica model runs on " + loop.getName() + ", called from " + Thread.currentThread().getName());
    }
  }
}
