package dev.switchboard.core.admission;

import dev.switchboard.core.event.ShedReason;
import static dev.switchboard.core.admission.QueueFixture.FREE;
import static dev.switchboard.core.admission.QueueFixture.STANDARD;
import static dev.switchboard.core.admission.QueueFixture.VIP;
import static dev.switchboard.core.admission.QueueFixture.drain;
import static dev.switchboard.core.admission.QueueFixture.enqueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionQueueSheddingTest {
  private final QueueFixture fixture = new QueueFixture();

  @Test
  void aVipArrivingAtAFullQueueDisplacesTheNewestFreeRequest() {
    AdmissionQueue<String> queue = fixture.queue(3);
    enqueue(queue, "free-old", FREE, "a");
    fixture.clock.advanceNanos(1);
    enqueue(queue, "free-new", FREE, "b");
    enqueue(queue, "standard", STANDARD, "a");

    Offer<String> offer = queue.offer("vip", VIP.name(), "v", 0);

    assertThat(offer.isQueued()).isTrue();
    assertThat(offer.displaced()).isEqualTo("free-new");
    assertThat(drain(queue)).containsExactly("vip", "standard", "free-old");
  }

  @Test
  void aFreeRequestArrivingAtAQueueFullOfVipsIsRejected() {
    AdmissionQueue<String> queue = fixture.queue(2);
    enqueue(queue, "vip1", VIP, "a");
    enqueue(queue, "vip2", VIP, "a");

    Offer<String> offer = queue.offer("free", FREE.name(), "f", 0);

    assertThat(offer.isQueued()).isFalse();
    assertThat(offer.reason()).isEqualTo(ShedReason.QUEUE_FULL);
    assertThat(offer.hasDisplaced()).isFalse();
    assertThat(drain(queue)).containsExactly("vip1", "vip2");
  }

  @Test
  void aRequestArrivingAtAQueueFullOfItsOwnPriorityIsTheOneShed() {
    AdmissionQueue<String> queue = fixture.queue(2);
    enqueue(queue, "free1", FREE, "a");
    enqueue(queue, "free2", FREE, "b");

    Offer<String> offer = queue.offer("free3", FREE.name(), "c", 0);

    assertThat(offer.reason()).isEqualTo(ShedReason.QUEUE_FULL);
    assertThat(queue.size()).isEqualTo(2);
  }

  @Test
  void aStandardRequestDisplacesFreeRequestsBeforeAnythingElse() {
    AdmissionQueue<String> queue = fixture.queue(4);
    enqueue(queue, "free1", FREE, "a");
    enqueue(queue, "standard1", STANDARD, "a");
    enqueue(queue, "vip1", VIP, "a");
    enqueue(queue, "free2", FREE, "a");

    Offer<String> first = queue.offer("standard2", STANDARD.name(), "b", 0);
    Offer<String> second = queue.offer("standard3", STANDARD.name(), "b", 0);
    Offer<String> third = queue.offer("standard4", STANDARD.name(), "b", 0);

    assertThat(first.displaced()).isEqualTo("free2");
    assertThat(second.displaced()).isEqualTo("free1");
    assertThat(third.reason()).isEqualTo(ShedReason.QUEUE_FULL);
    assertThat(queue.size("free")).isZero();
    assertThat(queue.size("vip")).isEqualTo(1);
  }

  @Test
  void sheddingGoesByPriorityNumberNotByAgedRank() {
    AdmissionQueue<String> queue = fixture.queue(1);
    enqueue(queue, "standard", STANDARD, "a");
    // Past the 5 s gap, the standard request outranks any VIP arriving now, but is still shed.
    fixture.clock.advance(Duration.ofSeconds(6));

    Offer<String> offer = queue.offer("vip", VIP.name(), "v", 0);

    assertThat(offer.displaced()).isEqualTo("standard");
  }

  @Test
  void aRequestThatLoweredItsPriorityIsShedAsThatPriority() {
    AdmissionQueue<String> queue = fixture.queue(2);
    queue.offer("humble-vip", VIP.name(), "a", FREE.priority());
    enqueue(queue, "standard", STANDARD, "b");

    Offer<String> offer = queue.offer("vip", VIP.name(), "c", 0);

    assertThat(offer.displaced()).isEqualTo("humble-vip");
  }

  @Test
  void anUnknownTierIsRejectedAndQueuesNothing() {
    AdmissionQueue<String> queue = fixture.queue(2);

    Offer<String> offer = queue.offer("r", "platinum", "a", 0);

    assertThat(offer.reason()).isEqualTo(ShedReason.UNKNOWN_TIER);
    assertThat(queue.size()).isZero();
  }

  @Test
  void theSameRequestCannotBeQueuedTwice() {
    AdmissionQueue<String> queue = fixture.queue(2);
    String request = "r";
    enqueue(queue, request, FREE, "a");

    assertThatThrownBy(() -> queue.offer(request, VIP.name(), "a", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already queued");
  }

  @Test
  void retryAfterIsTheTiersQueueTimeoutRoundedUpToWholeSeconds() {
    Tier quick = new Tier("quick", 3, 1.0, Duration.ofMillis(1_500));
    Tier instant = new Tier("instant", 4, 1.0, Duration.ofMillis(1));
    AdmissionQueue<String> queue = fixture.queue(List.of(VIP, FREE, quick, instant), 2);

    assertThat(queue.retryAfterSeconds("vip")).isEqualTo(30);
    assertThat(queue.retryAfterSeconds("free")).isEqualTo(10);
    assertThat(queue.retryAfterSeconds("quick")).isEqualTo(2);
    assertThat(queue.retryAfterSeconds("instant")).isEqualTo(1);
    assertThatThrownBy(() -> queue.retryAfterSeconds("platinum")).hasMessageContaining("platinum");
  }

  @Test
  void decisionsSayWhatHappened() {
    AdmissionQueue<String> queue = fixture.queue(1);
    Offer<String> queued = queue.offer("free", FREE.name(), "a", 0);
    Offer<String> displacing = queue.offer("vip", VIP.name(), "a", 0);

    assertThat(queued.isQueued()).isTrue();
    assertThat(queued.hasDisplaced()).isFalse();
    assertThatThrownBy(queued::reason).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(queued::displaced).isInstanceOf(IllegalStateException.class);
    assertThat(displacing).hasToString("Offer[queued, displaced free]");
    assertThat(ShedReason.DISPLACED.message()).isEqualTo("displaced by a more important request");
  }
}
