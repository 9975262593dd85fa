package dev.switchboard.sim.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StepReplicaTest {
  private final ModelHarness h = new ModelHarness();

  private static StepModelSpec spec(int maxNumSeqs, int maxBatched, long kv) {
    return new StepModelSpec(5753, 17.25, 6.00, maxNumSeqs, maxBatched, kv);
  }

  private static long step(long prefill, long decode) {
    return Math.round(1000.0 * (5753 + 17.25 * prefill + 6.00 * decode));
  }

  @Test
  void aLoneRequestPrefillsInOneStepThenDecodesOneTokenPerStep() {
    ReplicaModel m = spec(256, 8192, 400_000).create(h.events, 1.0, h);
    SimRequest r = h.submit(m, h.request(1000, 5));
    h.events.run();
    assertThat(r.firstTokenNanos()).isEqualTo(step(1000, 0));
    assertThat(r.completedNanos()).isEqualTo(step(1000, 0) + 4 * step(0, 1));
    assertThat(r.serviceStartNanos()).isZero();
    assertThat(h.decodeTokens).isEqualTo(4);
  }

  @Test
  void theSpeedFactorStretchesEveryStep() {
    ReplicaModel m = spec(256, 8192, 400_000).create(h.events, 2.0, h);
    SimRequest r = h.submit(m, h.request(1000, 5));
    h.events.run();
    assertThat(r.completedNanos()).isEqualTo(2 * step(1000, 0) + 4 * 2 * step(0, 1));
  }

  @Test
  void requestsArrivingDuringAStepJoinTheRunningBatchAtTheNextStep() {
    ReplicaModel m = spec(256, 8192, 400_000).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(100, 3));
    h.events.clock().setNanos(1000);
    SimRequest b = h.submit(m, h.request(200, 2));
    h.events.run();
    long s1 = step(100, 0);
    long s2 = step(200, 1); // b prefills while a decodes
    long s3 = step(0, 2);
    assertThat(a.firstTokenNanos()).isEqualTo(s1);
    assertThat(b.serviceStartNanos()).as("joined at the next step boundary").isEqualTo(s1);
    assertThat(b.firstTokenNanos()).isEqualTo(s1 + s2);
    assertThat(a.completedNanos()).isEqualTo(s1 + s2 + s3);
    assertThat(b.completedNanos()).isEqualTo(s1 + s2 + s3);
  }

  @Test
  void batchSlotsBoundTheRunningBatch() {
    ReplicaModel m = spec(1, 8192, 400_000).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(100, 2));
    SimRequest b = h.submit(m, h.request(100, 2));
    assertThat(m.report().running()).isEqualTo(1);
    assertThat(m.report().waiting()).isEqualTo(1);
    h.events.run();
    assertThat(b.serviceStartNanos()).isEqualTo(a.completedNanos());
  }

  @Test
  void theStepTokenBudgetSplitsPrefillsAcrossSteps() {
    ReplicaModel m = spec(256, 1000, 400_000).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(600, 1));
    SimRequest b = h.submit(m, h.request(600, 1));
    h.events.run();
    assertThat(a.completedNanos()).isEqualTo(step(600, 0));
    assertThat(b.completedNanos()).isEqualTo(step(600, 0) * 2);
  }

  @Test
  void requestsWaitWhileTheKvCacheIsFull() {
    ReplicaModel m = spec(256, 8192, 1000).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(600, 3));
    SimRequest b = h.submit(m, h.request(600, 3));
    assertThat(m.report().kvCacheUsage()).isGreaterThan(0.5);
    h.events.run();
    assertThat(b.serviceStartNanos()).isEqualTo(a.completedNanos());
    assertThat(h.completed).containsExactly(a, b);
  }

  @Test
  void aBatchOutgrowingTheKvCachePreemptsTheNewestWhichStillFinishesWithAllItsTokens() {
    // Both fit when they join, but their generated tokens overflow 300 tokens of cache.
    ReplicaModel m = spec(256, 8192, 300).create(h.events, 1.0, h);
    SimRequest a = h.submit(m, h.request(100, 100));
    SimRequest b = h.submit(m, h.request(100, 60));
    h.events.run();
    assertThat(h.completed).containsExactlyInAnyOrder(a, b);
    assertThat(h.rejected).isEmpty();
    // Without preemption a and b would decode side by side; b is pushed back, so it finishes late.
    assertThat(b.completedNanos()).isGreaterThan(a.firstTokenNanos() + 59 * step(0, 2));
  }

  @Test
  void aRequestLargerThanTheWholeCacheIsRejected() {
    ReplicaModel m = spec(256, 8192, 1000).create(h.events, 1.0, h);
    h.submit(m, h.request(900, 200));
    assertThat(h.rejected).singleElement().asString().contains("KV cache");
    assertThat(m.outstanding()).isZero();
  }

  @Test
  void thePredictionMatchesWhatHappensWhenNothingElseArrives() {
    StepModelSpec spec = spec(8, 2048, 20_000);
    SplittableRandom rnd = new SplittableRandom(11);
    for (int trial = 0; trial < 20; trial++) {
      ModelHarness run = new ModelHarness();
      ReplicaModel m = spec.create(run.events, 1.3, run);
      for (int i = 0; i < 30; i++) {
        run.submit(m, run.request(1 + rnd.nextInt(1500), 1 + rnd.nextInt(200)));
        long until = run.events.now() + rnd.nextLong(20_000_000);
        while (run.events.nextTime() <= until) {
          run.events.step();
        }
        run.events.clock().setNanos(until);
      }
      SimRequest probe = run.request(1 + rnd.nextInt(1500), 1 + rnd.nextInt(200));
      long predicted = m.predictCompletion(probe, Long.MAX_VALUE);
      run.submit(m, probe);
      run.events.run();
      assertThat(predicted).as("trial %d", trial).isEqualTo(probe.completedNanos());
    }
  }

  @Test
  void aCrashedEngineGivesUpItsBatchThenItsQueueAndStopsStepping() {
    ReplicaModel m = spec(1, 8192, 400_000).create(h.events, 1.0, h);
    SimRequest running = h.submit(m, h.request(100, 50));
    SimRequest waiting = h.submit(m, h.request(100, 50));
    h.events.step(); // the first step: the batch's one slot prefills the first request
    long crashAt = h.events.now() + step(0, 1) / 2;
    h.events.clock().setNanos(crashAt);
    assertThat(m.abandonAll()).containsExactly(running, waiting);
    assertThat(m.outstanding()).isZero();
    assertThat(m.report().running()).isZero();
    assertThat(m.report().kvCacheUsage()).isZero();
    assertThat(h.events.isEmpty()).isTrue();
    assertThat(m.busyNanos()).isEqualTo(crashAt);
    SimRequest next = h.submit(m, h.request(1000, 1));
    h.events.run();
    assertThat(h.completed).containsExactly(next);
    assertThat(next.completedNanos()).isEqualTo(crashAt + step(1000, 0));
  }

  @Test
  void aNewSpeedFactorTimesTheStepsFromTheNextOn() {
    ReplicaModel m = spec(256, 8192, 400_000).create(h.events, 1.0, h);
    SimRequest r = h.submit(m, h.request(1000, 3));
    m.setSpeed(2.0); // the prefill step is under way at speed 1.0
    h.events.run();
    assertThat(r.completedNanos()).isEqualTo(step(1000, 0) + 2 * 2 * step(0, 1));
  }
}
