package dev.switchboard.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BalancerAllocationTest {
  private static final long MS = 1_000_000L;
  private static final int WARM_UP = 200_000;
  private static final int MEASURED = 1_000_000;
  /** Far below one object per pick (≥ 16 MB over the run); leaves room for JVM noise. */
  private static final long BOUND_BYTES = 64 * 1024;

  static Stream<String> names() {
    return Balancers.names().stream();
  }

  @ParameterizedTest
  @MethodSource("names")
  void aMillionPicksAllocateAlmostNothing(String name) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation not measurable");
    threads.setThreadAllocatedMemoryEnabled(true);
    long thread = Thread.currentThread().getId();

    ManualClock clock = new ManualClock(1_000 * MS);
    ReplicaSet set = busyReplicas(clock, 16);
    Balancer balancer = Balancers.create(name, Randomness.seeded(42));
    RequestInfo request = new RequestInfo("m", 100, 200, "t", "standard");

    long sink = pick(balancer, set, request, clock, WARM_UP);
    threads.getThreadAllocatedBytes(thread); // the first reading may set itself up
    long before = threads.getThreadAllocatedBytes(thread);
    sink += pick(balancer, set, request, clock, MEASURED);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by %d picks of %s", MEASURED, name)
        .isLessThan(BOUND_BYTES);
  }

  private static long pick(
      Balancer balancer, ReplicaSet set, RequestInfo request, ManualClock clock, int picks) {
    long sink = 0;
    for (int i = 0; i < picks; i++) {
      // Time moves so that the Peak EWMA decays and the service rates are really computed.
      clock.advanceNanos(1_000);
      sink += balancer.pick(set, request).replica().inFlight() + 1;
    }
    return sink;
  }

  /** Replicas that differ in load, latency, learned rate and report, so every scan works. */
  private static ReplicaSet busyReplicas(ManualClock clock, int n) {
    Replica[] replicas = new Replica[n];
    for (int i = 0; i < n; i++) {
      Replica r = new Replica("r" + i, 1.0 + i % 4, clock, Replica.DEFAULT_DECAY);
      if (i % 4 != 3) { // a quarter stay without a learned rate
        long start = r.onDispatch();
        clock.advanceNanos((20 + 10L * i) * MS);
        r.onFirstByte(start);
        r.onComplete(start, true);
      }
      for (int k = 0; k < i % 5; k++) {
        r.onDispatch();
      }
      r.report(new LoadReport(i % 7, 2 + i % 3, (i % 10) / 10.0, clock.nanoTime()));
      replicas[i] = r;
    }
    return ReplicaSet.of(replicas);
  }
}
