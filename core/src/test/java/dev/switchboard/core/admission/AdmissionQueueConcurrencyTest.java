package dev.switchboard.core.admission;

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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AdmissionQueueConcurrencyTest {
  private static final int THREADS = 4;
  private static final int OFFERS_PER_THREAD = 20_000;
  private static final List<Tier> TIERS =
      List.of(
          new Tier("vip", 0, 1.0, Duration.ofMillis(40)),
          new Tier("partner", 5, 2.0, Duration.ofMillis(20)),
          new Tier("standard", 5, 1.0, Duration.ofMillis(20)),
          new Tier("free", 10, 1.0, Duration.ofMillis(5)));

  /** A request; distinct objects even for equal ids, as the queue goes by identity. */
  private record Request(int id) {}

  private final ManualClock clock = new ManualClock();
  private final AdmissionQueue<Request> queue =
      new AdmissionQueue<>(TIERS, new QueueSettings(64, Duration.ofMillis(1)), clock);
  /** How many times each request came out, by any way. */
  private final AtomicIntegerArray outcomes = new AtomicIntegerArray(THREADS * OFFERS_PER_THREAD);
  private final LongAdder rejected = new LongAdder();
  private final LongAdder displaced = new LongAdder();
  private final LongAdder polled = new LongAdder();
  private final LongAdder removed = new LongAdder();
  private final LongAdder expired = new LongAdder();

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void everyOfferedRequestComesOutExactlyOnceUnderConcurrentUse() throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS + 1);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(executor.submit(() -> work(thread, start)));
      }
      // The only clock writer: moves time and expires, as the runtime's timer would.
      Future<?> timer =
          executor.submit(
              () -> {
                start.await();
                while (!done.get()) {
                  clock.advance(Duration.ofMillis(1));
                  count(queue.expire(), expired);
                  assertThat(queue.size()).isBetween(0, 64);
                }
                return null;
              });
      for (Future<?> worker : workers) {
        worker.get(); // rethrows anything a worker threw
      }
      done.set(true);
      timer.get();
    } finally {
      executor.shutdownNow();
    }
    for (Request r = queue.poll(); r != null; r = queue.poll()) {
      count(r, polled);
    }

    assertThat(queue.size()).isZero();
    assertThat(queue.nextDeadlineNanos()).isEmpty();
    for (int id = 0; id < outcomes.length(); id++) {
      assertThat(outcomes.get(id)).as("outcomes of request %d", id).isEqualTo(1);
    }
    assertThat(rejected.sum() + displaced.sum() + polled.sum() + removed.sum() + expired.sum())
        .isEqualTo(outcomes.length());
    assertThat(List.of(rejected, displaced, polled, removed, expired))
        .as("the workload must exercise every way out")
        .allSatisfy(way -> assertThat(way.sum()).isPositive());
  }

  private Void work(int thread, CyclicBarrier start) throws Exception {
    SplittableRandom random = new SplittableRandom(thread);
    Request[] recent = new Request[8];
    start.await();
    for (int i = 0; i < OFFERS_PER_THREAD; i++) {
      Request request = new Request(thread * OFFERS_PER_THREAD + i);
      Tier tier = TIERS.get(random.nextInt(TIERS.size()));
      String tenant = "t" + random.nextInt(5);
      int priority = random.nextInt(4) == 0 ? random.nextInt(12) : 0;
      Offer<Request> offer =
          random.nextBoolean()
              ? queue.offer(request, tier.name(), tenant, priority)
              : queue.offer(
                  request, tier.name(), tenant, priority,
                  clock.nanoTime() + random.nextLong(1, 30_000_000));
      if (offer.hasDisplaced()) {
        count(offer.displaced(), displaced);
      }
      if (!offer.isQueued()) {
        count(request, rejected);
      }
      recent[i % recent.length] = request;
      if (random.nextInt(2) == 0) {
        Request r = queue.poll();
        if (r != null) {
          count(r, polled);
        }
      }
      Request victim = recent[random.nextInt(recent.length)];
      if (random.nextInt(10) == 0 && victim != null && queue.remove(victim)) {
        count(victim, removed);
      }
    }
    return null;
  }

  private void count(List<Request> requests, LongAdder way) {
    for (Request r : requests) {
      count(r, way);
    }
  }

  private void count(Request request, LongAdder way) {
    outcomes.incrementAndGet(request.id());
    way.increment();
  }
}
