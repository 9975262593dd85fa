package dev.switchboard.sim.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.sim.model.ModelListener;
import dev.switchboard.sim.model.ReplicaModel;
import dev.switchboard.sim.model.ServiceTimeSpec;
import dev.switchboard.sim.model.SimRequest;
import dev.switchboard.sim.workload.Arrival;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultyReplicaTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000_000_000;

  private final EventQueue events = new EventQueue(new ManualClock());
  private final List<SimRequest> completed = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private long nextId;

  private final ModelListener model =
      new ModelListener() {
        @Override
        public void onFirstToken(SimRequest request) {}

        @Override
        public void onComplete(SimRequest request) {
          completed.add(request);
        }

        @Override
        public void onReject(SimRequest request, String reason) {}

        @Override
        public void onDecodeStep(long stepNanos, int tokens) {}
      };

  /** A one-slot replica whose requests each take {@code 100 ms} at speed 1.0. */
  private FaultyReplica replica(FaultSpec faults, long seed) {
    ReplicaModel engine = new ServiceTimeSpec(1, 0, 0, 0).create(events, 1.0, model);
    FaultyReplica r =
        new FaultyReplica(
            engine, 1.0, faults, events, FaultyReplica.dice(seed, "r0"),
            (request, cause) -> failed.add(request.arrival().id() + " " + cause + " at " + events.now() / MS));
    r.start();
    return r;
  }

  private SimRequest request() {
    Arrival a = new Arrival(nextId++, events.now(), 1, 1, 100 * MS, "t", "standard", Arrival.NO_HASHES);
    return new SimRequest(a, new RequestInfo("", 1, 1, "t", "standard"));
  }

  /** Submits a request at {@code atNanos}, as the simulation does after routing. */
  private void submitAt(FaultyReplica replica, long atNanos) {
    events.schedule(
        new Event() {
          @Override
          protected void fire() {
            SimRequest r = request();
            r.dispatchedTo(null, events.now(), replica);
            replica.submit(r);
          }
        },
        atNanos);
  }

  @Test
  void inItsWindowAShareOfRequestsIsAnsweredWithAServerErrorAfterTheDelay() {
    FaultSpec faults = new FaultSpec(new FaultSpec.Errors(0.3, 20 * MS, 100 * S, 200 * S), null, null);
    FaultyReplica replica = replica(faults, 1);
    // One request every 200 ms for 300 s: 500 before the window, 500 in it, 500 after.
    for (int i = 0; i < 1500; i++) {
      submitAt(replica, i * 200 * MS);
    }
    events.run();
    assertThat(failed).hasSizeBetween(120, 180).allMatch(f -> f.contains("SERVER_ERROR"));
    for (String f : failed) {
      long id = Long.parseLong(f.substring(0, f.indexOf(' ')));
      long at = Long.parseLong(f.substring(f.lastIndexOf(' ') + 1));
      assertThat(id).as("in the window").isBetween(500L, 999L);
      assertThat(at).as("the delay after its dispatch").isEqualTo(id * 200 + 20);
    }
    assertThat(completed).hasSize(1500 - failed.size());
  }

  @Test
  void theSameSeedFailsTheSameRequestsAndAnotherSeedOthers() {
    FaultSpec faults = new FaultSpec(new FaultSpec.Errors(0.5, 0, 0, Long.MAX_VALUE), null, null);
    List<List<String>> runs = new ArrayList<>();
    for (long seed : new long[] {7, 7, 8}) {
      failed.clear();
      nextId = 0;
      FaultyReplica replica = replica(faults, seed);
      for (int i = 0; i < 200; i++) {
        submitAt(replica, events.now() + i * 200 * MS);
      }
      events.run();
      runs.add(failed.stream().map(f -> f.substring(0, f.indexOf(' '))).toList());
    }
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
    assertThat(runs.get(2)).isNotEqualTo(runs.get(0));
  }

  @Test
  void aCrashResetsEveryRequestItHoldsRefusesNewOnesAndProbesUntilItRecoversEmpty() {
    FaultyReplica replica = replica(new FaultSpec(null, new FaultSpec.Crash(1 * S, 2 * S), null), 1);
    // Four requests queued behind one another from 900 ms: one served, three waiting at the crash.
    for (int i = 0; i < 4; i++) {
      submitAt(replica, 900 * MS);
    }
    submitAt(replica, 1500 * MS);
    submitAt(replica, 2500 * MS);
    boolean[] answers = new boolean[3];
    for (int i = 0; i < 3; i++) {
      int at = i;
      events.schedule(
          new Event() {
            @Override
            protected void fire() {
              answers[at] = replica.answers();
            }
          },
          (long) (0.5 * S + at * S));
    }
    events.run();
    assertThat(failed)
        .containsExactly(
            "0 CONNECTION at 1000", "1 CONNECTION at 1000", "2 CONNECTION at 1000", "3 CONNECTION at 1000",
            "4 CONNECTION at 1500");
    assertThat(completed).extracting(r -> r.arrival().id()).containsExactly(5L);
    assertThat(completed.get(0).completedNanos()).as("nothing left ahead of it").isEqualTo(2600 * MS);
    assertThat(answers).containsExactly(true, false, true);
  }

  @Test
  void aSlowDownMultipliesTheSpeedFactorForItsWindow() {
    FaultyReplica replica = replica(new FaultSpec(null, null, new FaultSpec.SlowDown(1 * S, 2 * S, 3.0)), 1);
    submitAt(replica, 500 * MS);
    submitAt(replica, 1500 * MS);
    submitAt(replica, 2500 * MS);
    events.run();
    assertThat(completed)
        .extracting(r -> r.completedNanos() - r.arrivalNanos())
        .containsExactly(100 * MS, 300 * MS, 100 * MS);
    assertThat(failed).isEmpty();
  }

  @Test
  void aCrashFailsA5xxStillOnItsWayAsAConnectionReset() {
    FaultSpec faults =
        new FaultSpec(new FaultSpec.Errors(1.0, 500 * MS, 0, Long.MAX_VALUE), new FaultSpec.Crash(1 * S, Long.MAX_VALUE), null);
    FaultyReplica replica = replica(faults, 1);
    submitAt(replica, 800 * MS);
    events.run();
    assertThat(failed).containsExactly("0 " + FailureCause.CONNECTION + " at 1000");
    assertThat(replica.outstanding()).isZero();
  }
}
