package dev.switchboard.core.admission;

import static dev.switchboard.core.admission.QueueFixture.AGING_STEP;
import static dev.switchboard.core.admission.QueueFixture.FREE;
import static dev.switchboard.core.admission.QueueFixture.STANDARD;
import static dev.switchboard.core.admission.QueueFixture.VIP;
import static dev.switchboard.core.admission.QueueFixture.drain;
import static dev.switchboard.core.admission.QueueFixture.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionQueueOrderingTest {
  private final QueueFixture fixture = new QueueFixture();

  @Test
  void anEmptyQueuePollsNull() {
    assertThat(fixture.queue(10).poll()).isNull();
  }

  @Test
  void vipGoesBeforeStandardBeforeFree() {
    AdmissionQueue<String> queue = fixture.queue(10);
    enqueue(queue, "free", FREE, "a");
    enqueue(queue, "standard", STANDARD, "a");
    enqueue(queue, "vip", VIP, "a");

    assertThat(drain(queue)).containsExactly("vip", "standard", "free");
  }

  @Test
  void requestsOfOneTierAndTenantGoInArrivalOrder() {
    AdmissionQueue<String> queue = fixture.queue(10);
    for (int i = 0; i < 5; i++) {
      enqueue(queue, "s" + i, STANDARD, "a");
      fixture.clock.advanceNanos(1);
    }

    assertThat(drain(queue)).containsExactly("s0", "s1", "s2", "s3", "s4");
  }

  @Test
  void theSeedExampleServesTheVipFirstThenTheFreeUsersInArrivalOrder() {
    AdmissionQueue<String> queue = fixture.queue(10);
    enqueue(queue, "free_user_1", FREE, "user_1");
    enqueue(queue, "vip_user_1", VIP, "vip_1");
    enqueue(queue, "free_user_2", FREE, "user_2");

    assertThat(drain(queue)).containsExactly("vip_user_1", "free_user_1", "free_user_2");
  }

  @Test
  void aRequestMayLowerItsPriority() {
    AdmissionQueue<String> queue = fixture.queue(10);
    queue.offer("humble-vip", VIP.name(), "a", FREE.priority());
    enqueue(queue, "standard", STANDARD, "b");

    assertThat(drain(queue)).containsExactly("standard", "humble-vip");
  }

  @Test
  void aRequestCannotRaiseItsPriorityAboveItsTiers() {
    AdmissionQueue<String> queue = fixture.queue(10);
    Offer<String> offer = queue.offer("pushy-free", FREE.name(), "a", VIP.priority());
    queue.offer("standard", STANDARD.name(), "b", STANDARD.priority());

    assertThat(offer.isQueued()).isTrue();
    assertThat(drain(queue)).containsExactly("standard", "pushy-free");
  }

  @Test
  void aRequestedPriorityBeyondTheMaximumIsTheMaximum() {
    AdmissionQueue<String> queue = fixture.queue(10);
    queue.offer("way-down", VIP.name(), "a", Integer.MAX_VALUE);
    fixture.clock.advanceNanos(1);
    queue.offer("at-max", VIP.name(), "b", Tier.MAX_PRIORITY);

    // Same priority class, so arrival decides: the first offer was not pushed below the maximum.
    assertThat(drain(queue)).containsExactly("way-down", "at-max");
  }

  @Test
  void aFreeRequestRanksFirstAfterExactlyThePriorityGapTimesTheAgingStep() {
    AdmissionQueue<String> queue = fixture.queue(100);
    long bound = (FREE.priority() - VIP.priority()) * AGING_STEP.toNanos();
    long start = fixture.clock.nanoTime();
    enqueue(queue, "free", FREE, "f");

    // A steady stream of VIPs, each dispatched as the next arrives: the free request waits while
    // every newcomer outranks it, and goes first the instant a newcomer no longer does.
    long step = Duration.ofMillis(10).toNanos();
    long servedAt = -1;
    for (int i = 1; servedAt < 0 && i <= 2_000; i++) {
      fixture.clock.advanceNanos(step);
      enqueue(queue, "vip" + i, VIP, "v");
      if (queue.poll().equals("free")) {
        servedAt = fixture.clock.nanoTime();
      }
    }

    assertThat(servedAt - start).isEqualTo(bound);
  }

  @Test
  void rankIsFixedAtArrivalWhateverTheTimeOfThePoll() {
    AdmissionQueue<String> queue = fixture.queue(10);
    long gap = (STANDARD.priority() - VIP.priority()) * AGING_STEP.toNanos();
    enqueue(queue, "standard", STANDARD, "s");
    fixture.clock.advanceNanos(gap - 1);
    enqueue(queue, "vip-just-before", VIP, "v");
    fixture.clock.advanceNanos(2);
    enqueue(queue, "vip-just-after", VIP, "v");
    fixture.clock.advance(Duration.ofMinutes(5));

    assertThat(drain(queue)).containsExactly("vip-just-before", "standard", "vip-just-after");
  }

  @Test
  void oneTenantsBurstDoesNotHoldUpAnotherTenant() {
    AdmissionQueue<String> queue = fixture.queue(1_000);
    for (int i = 0; i < 100; i++) {
      enqueue(queue, "a" + i, STANDARD, "A");
    }
    enqueue(queue, "b0", STANDARD, "B");

    assertThat(drain(queue, 2)).contains("b0");
  }

  @Test
  void tenantsTakeTurnsOldestFirstWithinEach() {
    AdmissionQueue<String> queue = fixture.queue(100);
    enqueue(queue, "a0", FREE, "A");
    enqueue(queue, "a1", FREE, "A");
    enqueue(queue, "a2", FREE, "A");
    enqueue(queue, "b0", FREE, "B");
    enqueue(queue, "c0", FREE, "C");
    enqueue(queue, "c1", FREE, "C");

    assertThat(drain(queue)).containsExactly("a0", "b0", "c0", "a1", "c1", "a2");
  }

  @Test
  void aTenantThatStartsWaitingHasItsTurnAfterEveryTenantAlreadyWaiting() {
    AdmissionQueue<String> queue = fixture.queue(100);
    enqueue(queue, "a0", FREE, "A");
    enqueue(queue, "a1", FREE, "A");
    enqueue(queue, "b0", FREE, "B");
    enqueue(queue, "b1", FREE, "B");
    assertThat(queue.poll()).isEqualTo("a0");

    enqueue(queue, "c0", FREE, "C");

    assertThat(drain(queue)).containsExactly("b0", "a1", "c0", "b1");
  }

  @Test
  void tiersOfEqualPriorityShareDispatchesByWeight() {
    Tier partner = new Tier("partner", 5, 3.0, Duration.ofSeconds(20));
    AdmissionQueue<String> queue = fixture.queue(List.of(STANDARD, partner), 100);
    // The standard requests are older, yet arrival does not order tiers of one priority: weight does.
    for (int i = 0; i < 40; i++) {
      enqueue(queue, "standard" + i, STANDARD, "s");
    }
    fixture.clock.advanceNanos(1);
    for (int i = 0; i < 40; i++) {
      enqueue(queue, "partner" + i, partner, "p");
    }

    List<String> first40 = drain(queue, 40);

    assertThat(first40.stream().filter(r -> r.startsWith("partner"))).hasSize(30);
    assertThat(first40.stream().filter(r -> r.startsWith("standard"))).hasSize(10);
  }

  @Test
  void aTierThatWasEmptyGetsNoCreditForTheTimeItWas() {
    Tier partner = new Tier("partner", 5, 1.0, Duration.ofSeconds(20));
    AdmissionQueue<String> queue = fixture.queue(List.of(STANDARD, partner), 100);
    for (int i = 0; i < 10; i++) {
      enqueue(queue, "standard" + i, STANDARD, "s");
    }
    drain(queue, 6);
    for (int i = 0; i < 4; i++) {
      enqueue(queue, "partner" + i, partner, "p");
    }

    // Equal weights: the two alternate from here, not partner four times to catch up.
    assertThat(drain(queue, 4)).containsExactly("partner0", "standard6", "partner1", "standard7");
  }

  @Test
  void weightNeverLetsALessImportantTierOvertakeAMoreImportantOne() {
    Tier heavyFree = new Tier("free", 10, 1_000.0, Duration.ofSeconds(10));
    AdmissionQueue<String> queue = fixture.queue(List.of(VIP, heavyFree), 100);
    enqueue(queue, "free0", heavyFree, "f");
    enqueue(queue, "free1", heavyFree, "f");
    enqueue(queue, "vip0", VIP, "v");
    enqueue(queue, "vip1", VIP, "v");

    assertThat(drain(queue)).containsExactly("vip0", "vip1", "free0", "free1");
  }

  @Test
  void sizesCountWaitingRequestsInAllAndPerTier() {
    AdmissionQueue<String> queue = fixture.queue(10);
    enqueue(queue, "v", VIP, "a");
    enqueue(queue, "f1", FREE, "a");
    queue.offer("f2", FREE.name(), "b", 7);
    queue.poll();

    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.size("vip")).isZero();
    assertThat(queue.size("free")).isEqualTo(2);
    assertThat(queue.size("standard")).isZero();
  }
}
