package dev.switchboard.core.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.event.ShedReason;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {
  private final QueueFixture fixture = new QueueFixture();
  private final Replica a = new Replica("a", fixture.clock);
  private final Replica b = new Replica("b", fixture.clock);
  private ReplicaSet routable = ReplicaSet.of(a, b);
  /** What the runtime was told, in order: "dispatch X" or "shed X reason retry-after". */
  private final List<String> told = new ArrayList<>();
  private final List<String> handed = new ArrayList<>();
  private final AdmissionControl<String> control = control(2);

  private AdmissionControl<String> control(int maxQueued) {
    return new AdmissionControl<>(
        fixture.queue(maxQueued),
        ConcurrencyLimit.fixed(1),
        () -> routable,
        r -> r.substring(0, r.indexOf('-')),
        new AdmissionControl.Runtime<>() {
          @Override
          public void dispatch(String request) {
            told.add("dispatch " + request);
            handed.add(request);
          }

          @Override
          public void shed(String request, ShedReason reason, int retryAfterSeconds) {
            told.add("shed " + request + " " + reason + " " + retryAfterSeconds);
          }
        });
  }

  @Test
  void aRequestGoesStraightThroughWhileAReplicaHasRoomAndNobodyWaits() {
    assertThat(control.admit("free-1", "free", "t", 0)).isTrue();
    a.onDispatch();
    assertThat(control.admit("free-2", "free", "t", 0)).isTrue();
    b.onDispatch();

    assertThat(control.admit("vip-1", "vip", "t", 0)).isFalse();

    assertThat(control.waiting()).isEqualTo(1);
    assertThat(told).isEmpty();
  }

  @Test
  void aFreedSlotGoesToTheMostImportantWaitingRequest() {
    long sa = fillBoth();
    control.admit("free-1", "free", "t", 0);
    control.admit("vip-1", "vip", "t", 0);

    a.onComplete(sa, true);
    control.drain();

    assertThat(told).containsExactly("dispatch vip-1");
    assertThat(control.waiting()).isEqualTo(1);
  }

  @Test
  void aHandedOutRequestHoldsItsSlotUntilItLands() {
    long sa = fillBoth();
    control.admit("vip-1", "vip", "t", 0);
    control.admit("vip-2", "vip", "t", 0);
    a.onComplete(sa, true);

    control.drain();
    control.drain();
    assertThat(told).containsExactly("dispatch vip-1");
    assertThat(control.handedOut()).isEqualTo(1);

    // The runtime dispatches it on its own thread: the replica counts it, the control lets go.
    a.onDispatch();
    control.landed();
    control.drain();
    assertThat(told).containsExactly("dispatch vip-1");
    assertThat(control.handedOut()).isZero();
  }

  @Test
  void whenNobodyIsRoutableEverythingWaits() {
    routable = ReplicaSet.empty();

    assertThat(control.admit("vip-1", "vip", "t", 0)).isFalse();
    assertThat(control.waiting()).isEqualTo(1);
  }

  @Test
  void aFullQueueDisplacesTheLeastImportantAndShedsItWithItsOwnTiersRetryAfter() {
    fillBoth();
    control.admit("free-1", "free", "t", 0);
    control.admit("standard-1", "standard", "t", 0);

    control.admit("vip-1", "vip", "t", 0);

    assertThat(told).containsExactly("shed free-1 DISPLACED 10");
  }

  @Test
  void aRequestTheFullQueueCannotTakeIsShedAtOnce() {
    fillBoth();
    control.admit("vip-1", "vip", "t", 0);
    control.admit("vip-2", "vip", "t", 0);

    assertThat(control.admit("free-1", "free", "t", 0)).isFalse();

    assertThat(told).containsExactly("shed free-1 QUEUE_FULL 10");
  }

  @Test
  void requestsPastTheirTiersTimeoutExpire() {
    fillBoth();
    control.admit("free-1", "free", "t", 0);
    control.admit("vip-1", "vip", "t", 0);
    assertThat(control.nextDeadlineNanos()).hasValue(fixture.clock.nanoTime() + Duration.ofSeconds(10).toNanos());

    fixture.clock.advance(Duration.ofSeconds(10));
    control.expire();

    assertThat(told).containsExactly("shed free-1 EXPIRED 10");
    assertThat(control.waiting()).isEqualTo(1);
  }

  @Test
  void aRequestWhoseClientLeftIsNeverDispatched() {
    long sa = fillBoth();
    control.admit("vip-1", "vip", "t", 0);

    assertThat(control.remove("vip-1")).isTrue();
    a.onComplete(sa, true);
    control.drain();

    assertThat(told).isEmpty();
  }

  @Test
  void eligibleIsTheReplicasWithRoomOrAllRoutableOnesWhenNoneHas() {
    long sa = a.onDispatch();
    assertThat(control.eligible().asList()).containsExactly(b);

    b.onDispatch();
    assertThat(control.eligible().asList()).containsExactly(a, b);
    a.onComplete(sa, true);
    a.setState(ReplicaState.DRAINING);
    routable = ReplicaSet.of(b);
    assertThat(control.eligible().asList()).containsExactly(b);
  }

  /** Both replicas at their limit of one; returns a's stamp. */
  private long fillBoth() {
    long sa = a.onDispatch();
    b.onDispatch();
    return sa;
  }
}
