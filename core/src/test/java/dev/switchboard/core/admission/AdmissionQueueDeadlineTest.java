package dev.switchboard.core.admission;

import dev.switchboard.core.event.ShedReason;
import static dev.switchboard.core.admission.QueueFixture.FREE;
import static dev.switchboard.core.admission.QueueFixture.STANDARD;
import static dev.switchboard.core.admission.QueueFixture.VIP;
import static dev.switchboard.core.admission.QueueFixture.drain;
import static dev.switchboard.core.admission.QueueFixture.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionQueueDeadlineTest {
  private final QueueFixture fixture = new QueueFixture();
  private final AdmissionQueue<String> queue = fixture.queue(10);

  @Test
  void anEmptyQueueHasNoDeadlineAndExpiresNothing() {
    assertThat(queue.nextDeadlineNanos()).isEmpty();
    assertThat(queue.expire()).isEmpty();
  }

  @Test
  void aRequestExpiresExactlyWhenItHasWaitedItsTiersQueueTimeout() {
    long start = fixture.clock.nanoTime();
    enqueue(queue, "free", FREE, "a");

    assertThat(queue.nextDeadlineNanos()).hasValue(start + FREE.queueTimeout().toNanos());
    fixture.clock.advanceNanos(FREE.queueTimeout().toNanos() - 1);
    assertThat(queue.expire()).isEmpty();
    fixture.clock.advanceNanos(1);
    assertThat(queue.expire()).containsExactly("free");
    assertThat(queue.size()).isZero();
    assertThat(queue.nextDeadlineNanos()).isEmpty();
  }

  @Test
  void theNextDeadlineIsTheEarliestAcrossTiersAndExpiryGoesInDeadlineOrder() {
    long start = fixture.clock.nanoTime();
    enqueue(queue, "vip", VIP, "a"); // 30 s
    enqueue(queue, "standard", STANDARD, "a"); // 20 s
    fixture.clock.advance(Duration.ofSeconds(1));
    enqueue(queue, "free", FREE, "a"); // 1 + 10 s

    assertThat(queue.nextDeadlineNanos()).hasValue(start + Duration.ofSeconds(11).toNanos());
    fixture.clock.advance(Duration.ofSeconds(25));
    assertThat(queue.expire()).containsExactly("free", "standard");
    assertThat(queue.nextDeadlineNanos()).hasValue(start + VIP.queueTimeout().toNanos());
  }

  @Test
  void aRequestsOwnTighterDeadlineWins() {
    long deadline = fixture.clock.nanoTime() + Duration.ofSeconds(2).toNanos();
    queue.offer("hurried", FREE.name(), "a", 0, deadline);

    assertThat(queue.nextDeadlineNanos()).hasValue(deadline);
    fixture.clock.advance(Duration.ofSeconds(2));
    assertThat(queue.expire()).containsExactly("hurried");
  }

  @Test
  void aRequestsOwnLooserDeadlineDoesNotExtendItsTiersTimeout() {
    long start = fixture.clock.nanoTime();
    queue.offer("patient", FREE.name(), "a", 0, start + Duration.ofHours(1).toNanos());

    assertThat(queue.nextDeadlineNanos()).hasValue(start + FREE.queueTimeout().toNanos());
  }

  @Test
  void aRequestWhoseDeadlineHasPassedIsRejected() {
    Offer<String> offer = queue.offer("late", VIP.name(), "a", 0, fixture.clock.nanoTime());

    assertThat(offer.reason()).isEqualTo(ShedReason.DEADLINE_PASSED);
    assertThat(queue.size()).isZero();
  }

  @Test
  void pollDispatchesARequestPastItsDeadlineThatWasNotYetExpired() {
    enqueue(queue, "free", FREE, "a");
    fixture.clock.advance(FREE.queueTimeout().plusSeconds(1));

    assertThat(queue.poll()).isEqualTo("free");
    assertThat(queue.expire()).isEmpty();
  }

  @Test
  void anExpiredRequestLeavesTheOthersInTheirOrder() {
    enqueue(queue, "a0", FREE, "A");
    enqueue(queue, "b0", STANDARD, "B");
    fixture.clock.advance(FREE.queueTimeout());
    enqueue(queue, "a1", FREE, "A");

    assertThat(queue.expire()).containsExactly("a0");
    assertThat(drain(queue)).containsExactly("b0", "a1");
  }

  @Test
  void aRemovedRequestIsGoneFromEveryOrder() {
    enqueue(queue, "a0", FREE, "A");
    enqueue(queue, "a1", FREE, "A");
    enqueue(queue, "b0", FREE, "B");
    enqueue(queue, "vip", VIP, "V");

    assertThat(queue.remove("a0")).isTrue();
    assertThat(queue.remove("vip")).isTrue();
    assertThat(queue.remove("vip")).as("already gone").isFalse();
    assertThat(queue.remove("never-offered")).isFalse();

    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.size("vip")).isZero();
    fixture.clock.advance(Duration.ofMinutes(1));
    assertThat(queue.expire()).containsExactly("a1", "b0");
  }

  @Test
  void removingTheOldestRequestLetsTheNextOneRankItsClass() {
    enqueue(queue, "free-old", FREE, "A");
    fixture.clock.advance(Duration.ofSeconds(4));
    enqueue(queue, "free-new", FREE, "B");
    fixture.clock.advance(Duration.ofSeconds(2));
    enqueue(queue, "standard", STANDARD, "S");

    // free-old ranks at 10 s, standard at 11 s, free-new at 14 s.
    queue.remove("free-old");

    assertThat(drain(queue)).containsExactly("standard", "free-new");
  }
}
