package dev.switchboard.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OutlierDetectorConcurrencyTest {
  private static final int POOL = 8;
  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 200_000;

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void concurrentFailuresSuccessesAndReadmissionsKeepTheBooksBalanced() throws Exception {
    ManualClock clock = new ManualClock();
    OutlierDetector<Integer> detector =
        new OutlierDetector<>(new OutlierPolicy(3, Duration.ofMillis(1), Duration.ofMillis(8), 50), clock);
    for (int i = 0; i < POOL; i++) {
      detector.track(i);
    }
    CyclicBarrier start = new CyclicBarrier(THREADS + 1);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        workers.add(executor.submit(() -> hammer(detector, new SplittableRandom(seed), start)));
      }
      // The only clock writer: moves time and re-admits while the workers record outcomes.
      Future<Integer> readmitter =
          executor.submit(
              () -> {
                start.await();
                int readmitted = 0;
                while (!done.get()) {
                  clock.advance(Duration.ofMillis(1));
                  readmitted += detector.readmitDue().size();
                  assertThat(detector.ejectedCount()).isLessThanOrEqualTo(POOL / 2);
                }
                return readmitted;
              });
      int ejections = 0;
      for (Future<Integer> worker : workers) {
        ejections += worker.get(); // rethrows anything a worker threw
      }
      done.set(true);
      int readmissions = readmitter.get();

      int ejectedNow = 0;
      for (int i = 0; i < POOL; i++) {
        ejectedNow += detector.isEjected(i) ? 1 : 0;
      }
      assertThat(ejections).as("the workload must eject something").isPositive();
      assertThat(detector.ejectedCount()).isEqualTo(ejectedNow).isLessThanOrEqualTo(POOL / 2);
      assertThat(ejections - readmissions).isEqualTo(ejectedNow);
    } finally {
      executor.shutdownNow();
    }
  }

  private static int hammer(OutlierDetector<Integer> detector, SplittableRandom random, CyclicBarrier start)
      throws Exception {
    start.await();
    int ejections = 0;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
      int replica = random.nextInt(POOL);
      // Low-numbered replicas fail most, so that the cap is reached and contested.
      if (random.nextInt(POOL) >= replica) {
        ejections += detector.recordFailure(replica).ejected() ? 1 : 0;
      } else {
        detector.recordSuccess(replica);
      }
    }
    return ejections;
  }
}
