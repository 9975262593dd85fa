package dev.switchboard.loadgen;

import static dev.switchboard.loadgen.TestWorkloads.all;
import static dev.switchboard.loadgen.TestWorkloads.poisson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.sim.metrics.Percentiles;
import dev.switchboard.sim.workload.Arrival;
import dev.switchboard.sim.workload.Workload;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The send loop on a clock and timers of the test's own: when it asks to wake up, and what it
 * sends when it does. The target accepts connections and never answers, and the concurrency limit
 * is 1: the first arrival goes out and stays outstanding, every later one is counted as dropped
 * at the moment it is handled, all on the test's thread.
 */
class LoadRunTest {
  private static final long START = 1_000_000_000L;
  private static Vertx vertx;
  private static ServerSocket silent;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    // Never accepted: the kernel completes connections into the backlog, and nothing answers.
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
    silent.close();
  }

  /** A run driven by hand: each wake-up it asks for is recorded, and fired when the test says. */
  private static final class Driven {
    final long[] now = {START};
    final List<Long> delays = new ArrayList<>();
    Runnable pending;
    final LatencyRecorder recorder = new LatencyRecorder(List.of());
    final LoadRun run;

    Driven(Workload workload) {
      LoadgenConfig config =
          new LoadgenConfig(
              Target.parse("http://127.0.0.1:" + silent.getLocalPort()), "m", false, ApiKeys.parse(List.of()), 0, 1,
              1, Duration.ofSeconds(60), List.of());
      LoadRun.Timers timers =
          (delayNanos, task) -> {
            delays.add(delayNanos);
            pending = task;
            return () -> pending = null;
          };
      run =
          new LoadRun(
              vertx, vertx.createHttpClient(), new ArrivalSchedule(workload), recorder, config, new ChatRequest("m", false, 0),
              LoadgenProgress.NONE, timers, () -> now[0]);
    }

    /** Fires the pending wake-up {@code lateNanos} after the time it asked for. */
    void wake(long lateNanos) {
      now[0] += delays.get(delays.size() - 1) + lateNanos;
      Runnable task = pending;
      pending = null;
      task.run();
    }

    /** Arrivals sent or dropped so far. */
    long handled() {
      TierResult all = recorder.result("u", 1, 1, 1).overall();
      return all.sent() + all.droppedByLoadgen();
    }
  }

  @Test
  void wakesUpAtEachArrivalsOwnTimeNotOnATick() throws Exception {
    List<Arrival> arrivals = all(poisson(50, 3));
    Driven d = new Driven(poisson(50, 3));
    d.run.begin();
    int next = (int) d.handled(); // arrivals due at the very start went out at once
    while (d.pending != null) {
      long wakeAt = d.now[0] + d.delays.get(d.delays.size() - 1);
      assertThat(wakeAt - START).as("wake-up for arrival " + next).isEqualTo(arrivals.get(next).atNanos());
      d.wake(0);
      assertThat(d.handled()).as("handled at its own time").isGreaterThan(next);
      next = (int) d.handled();
    }
    assertThat(d.handled()).isEqualTo(50);
    Percentiles late = d.recorder.result("u", 1, 1, 1).sendLatenessMs();
    assertThat(late.count()).as("one request sent").isEqualTo(1);
    assertThat(late.max()).as("sent on time").isZero();
  }

  @Test
  void aLateWakeUpSendsEverythingDueAndWaitsFromThenForTheRest() throws Exception {
    List<Arrival> arrivals = all(poisson(200, 3));
    Driven d = new Driven(poisson(200, 3));
    d.run.begin();
    long late = 2_500_000; // each wake-up 2.5 ms late: several arrivals (1/ms) come due meanwhile
    int wakeUps = 0;
    while (d.pending != null) {
      d.wake(late);
      wakeUps++;
      long elapsed = d.now[0] - START;
      long due = arrivals.stream().filter(a -> a.atNanos() <= elapsed).count();
      assertThat(d.handled()).as("everything due by now, nothing more").isEqualTo(due);
      if (d.pending != null) {
        long wait = d.delays.get(d.delays.size() - 1);
        assertThat(wait).as("waits from now for the next arrival").isEqualTo(arrivals.get((int) due).atNanos() - elapsed);
      }
    }
    assertThat(d.handled()).isEqualTo(200);
    assertThat(wakeUps).isLessThan(200 / 2);
  }
}
