package dev.switchboard.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Clock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BalancerConcurrencyTest {
  private static final int THREADS = 4;
  private static final int PICKS_PER_THREAD = 100_000;
  /** Requests each thread keeps outstanding, so that picks see in-flight counts move. */
  private static final int WINDOW = 4;

  @ParameterizedTest
  @ValueSource(strings = {"p2c-peak-ewma", "peak-ewma", "least-requests"})
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void sharedBalancerUnderConcurrentPicksLeavesEveryInFlightCountAtZero(String name)
      throws Exception {
    Replica[] replicas = new Replica[8];
    for (int i = 0; i < replicas.length; i++) {
      replicas[i] = new Replica("r" + i, 1.0 + i % 3, Clock.system(), Replica.DEFAULT_DECAY);
    }
    ReplicaSet set = ReplicaSet.of(replicas);
    Balancer balancer = Balancers.create(name, Randomness.threadLocal());
    CyclicBarrier start = new CyclicBarrier(THREADS);

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(pool.submit(() -> run(balancer, set, start)));
      }
      int picks = 0;
      for (Future<Integer> worker : workers) {
        picks += worker.get(); // rethrows anything a worker threw
      }
      assertThat(picks).isEqualTo(THREADS * PICKS_PER_THREAD);
    } finally {
      pool.shutdownNow();
    }

    for (Replica replica : replicas) {
      assertThat(replica.inFlight()).as(replica.id()).isZero();
    }
  }

  private static int run(Balancer balancer, ReplicaSet set, CyclicBarrier start) throws Exception {
    Replica[] outstanding = new Replica[WINDOW];
    long[] starts = new long[WINDOW];
    start.await();
    int picks = 0;
    for (int i = 0; i < PICKS_PER_THREAD; i++) {
      int slot = i % WINDOW;
      if (outstanding[slot] != null) {
        finish(outstanding[slot], starts[slot], i);
      }
      Pick pick = balancer.pick(set, RequestInfo.UNKNOWN);
      outstanding[slot] = pick.replica();
      starts[slot] = outstanding[slot].onDispatch();
      picks++;
    }
    for (int slot = 0; slot < WINDOW; slot++) {
      if (outstanding[slot] != null) {
        finish(outstanding[slot], starts[slot], slot);
      }
    }
    return picks;
  }

  private static void finish(Replica replica, long startNanos, int i) {
    boolean success = i % 17 != 0;
    if (success) {
      replica.onFirstByte(startNanos);
    }
    replica.onComplete(startNanos, success);
  }
}
