package dev.switchboard.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.sim.model.ModelListener;
import dev.switchboard.sim.model.ServiceTimeSpec;
import dev.switchboard.sim.model.SimRequest;
import dev.switchboard.sim.workload.Arrival;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RealTimeEngineTest {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  /** Records, per request id, the virtual and the wall-clock time of its completion. */
  private static final class Completions implements ModelListener {
    final Map<Long, long[]> done = new ConcurrentHashMap<>();
    final CountDownLatch latch;
    final ManualClock clock;

    Completions(ManualClock clock, int expected) {
      this.clock = clock;
      this.latch = new CountDownLatch(expected);
    }

    @Override
    public void onFirstToken(SimRequest request) {}

    @Override
    public void onComplete(SimRequest request) {
      done.put(request.arrival().id(), new long[] {clock.nanoTime(), System.nanoTime()});
      latch.countDown();
    }

    @Override
    public void onReject(SimRequest request, String reason) {}

    @Override
    public void onDecodeStep(long stepNanos, int tokens) {}
  }

  private static SimRequest request(long id, long serviceMillis) {
    Arrival arrival = new Arrival(id, 0, 1, 1, serviceMillis * 1_000_000, "", "", Arrival.NO_HASHES);
    return new SimRequest(arrival, RequestInfo.UNKNOWN);
  }

  private static <T> T onContext(Context context, java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(5, TimeUnit.SECONDS);
  }

  @Test
  void anEventFiresOnceRealTimeReachesItsExactVirtualTime() throws Exception {
    Context context = vertx.getOrCreateContext();
    ManualClock clock = new ManualClock();
    Completions listener = new Completions(clock, 1);
    long[] submitted = new long[2];
    onContext(context, () -> {
      RealTimeEngine engine = new RealTimeEngine(vertx, clock, new ServiceTimeSpec(1, 0, 0, 0), 1.0, listener);
      engine.submit(request(0, 40));
      submitted[0] = clock.nanoTime();
      submitted[1] = System.nanoTime();
      return null;
    });

    assertThat(listener.latch.await(5, TimeUnit.SECONDS)).isTrue();
    long[] done = listener.done.get(0L);
    assertThat(done[0] - submitted[0]).as("virtual service time").isEqualTo(40_000_000L);
    assertThat(done[1] - submitted[1]).as("wall-clock time").isGreaterThanOrEqualTo(40_000_000L);
  }

  /** Runs the pending wake-up, which is then no longer pending. */
  private static void fire(Runnable[] pending) {
    Runnable task = pending[0];
    pending[0] = null;
    task.run();
  }

  @Test
  void asksToWakeUpExactlyWhenTheNextEventIsDueNotOnAMillisecondTick() {
    long[] wall = {5_000_000_000L};
    List<Long> delays = new ArrayList<>();
    Runnable[] pending = new Runnable[1];
    RealTimeEngine.Wakeups wakeups =
        (delayNanos, task) -> {
          delays.add(delayNanos);
          pending[0] = task;
          return () -> pending[0] = null;
        };
    ManualClock clock = new ManualClock();
    Completions listener = new Completions(clock, 2);
    RealTimeEngine engine = new RealTimeEngine(clock, new ServiceTimeSpec(2, 0, 0, 0), 1.0, listener, wakeups, () -> wall[0]);

    engine.submit(request(0, 3)); // due at 3.0 ms
    wall[0] += 100_000; // 0.1 ms later
    engine.submit(request(1, 5)); // due at 5.1 ms: the 3 ms one stays the next
    assertThat(delays).as("one wake-up, for the first event, 3 ms after its submission").containsExactly(3_000_000L);

    wall[0] += 2_900_000 + 40_000; // the wake-up comes 40 µs late, at 3.04 ms
    fire(pending);
    assertThat(listener.done).containsOnlyKeys(0L);
    assertThat(listener.done.get(0L)[0]).as("the event's own virtual time").isEqualTo(3_000_000L);
    // The next wait runs from now to the next event, to the nanosecond: 5.1 - 3.04 ms.
    assertThat(delays).last().isEqualTo(2_060_000L);

    wall[0] += 2_060_000;
    fire(pending);
    assertThat(listener.done.get(1L)[0]).isEqualTo(5_100_000L);
    assertThat(pending[0]).as("nothing left to wake up for").isNull();
  }

  @Test
  void aCancelledWakeUpThatRunsAnywayDoesNothing() {
    long[] wall = {0};
    List<Runnable> fired = new ArrayList<>();
    RealTimeEngine.Wakeups wakeups =
        (delayNanos, task) -> {
          fired.add(task);
          return () -> {}; // too late to cancel: the task will run
        };
    ManualClock clock = new ManualClock();
    Completions listener = new Completions(clock, 2);
    RealTimeEngine engine = new RealTimeEngine(clock, new ServiceTimeSpec(2, 0, 0, 0), 1.0, listener, wakeups, () -> wall[0]);
    engine.submit(request(0, 10));
    engine.submit(request(1, 2)); // earlier: the 10 ms wake-up is replaced
    assertThat(fired).hasSize(2);

    wall[0] = 10_000_000;
    fired.get(0).run(); // the replaced wake-up runs after all
    assertThat(listener.done).as("a stale wake-up steps nothing").isEmpty();
    fired.get(1).run();
    assertThat(listener.done).containsOnlyKeys(0L, 1L);
  }

  @Test
  void aNewEarlierEventMovesTheTimerForward() throws Exception {
    Context context = vertx.getOrCreateContext();
    ManualClock clock = new ManualClock();
    Completions listener = new Completions(clock, 2);
    onContext(context, () -> {
      RealTimeEngine engine = new RealTimeEngine(vertx, clock, new ServiceTimeSpec(2, 0, 0, 0), 1.0, listener);
      engine.submit(request(0, 300));
      engine.submit(request(1, 20));
      return null;
    });

    assertThat(listener.latch.await(5, TimeUnit.SECONDS)).isTrue();
    long longWall = listener.done.get(0L)[1];
    long shortWall = listener.done.get(1L)[1];
    // Had the timer stayed at the 300 ms event, both would complete in the same catch-up.
    assertThat(longWall - shortWall).isGreaterThan(150_000_000L);
  }

  @Test
  void callsFromAnotherThreadAreRefused() throws Exception {
    Context context = vertx.getOrCreateContext();
    ManualClock clock = new ManualClock();
    RealTimeEngine engine = onContext(context,
        () -> new RealTimeEngine(vertx, clock, new ServiceTimeSpec(1, 0, 0, 0), 1.0, new Completions(clock, 1)));

    assertThatThrownBy(() -> engine.submit(request(0, 10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runs on");
  }

  @Test
  void reportSeesRequestsInFlightAndTheClockAtRealNow() throws Exception {
    Context context = vertx.getOrCreateContext();
    ManualClock clock = new ManualClock();
    RealTimeEngine engine = onContext(context, () -> {
      RealTimeEngine e =
          new RealTimeEngine(vertx, clock, new ServiceTimeSpec(1, 0, 0, 0), 1.0, new Completions(clock, 1));
      e.submit(request(0, 5_000));
      return e;
    });

    LoadReport first = onContext(context, engine::report);
    Thread.sleep(20);
    LoadReport second = onContext(context, engine::report);

    assertThat(first.running()).isEqualTo(1);
    // No event fired in between, yet the model's clock moved with real time.
    assertThat(second.atNanos() - first.atNanos()).isGreaterThanOrEqualTo(20_000_000L);
  }
}
