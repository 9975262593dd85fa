package dev.switchboard.core.admission;

import static dev.switchboard.core.admission.QueueFixture.FREE;
import static dev.switchboard.core.admission.QueueFixture.VIP;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionSettingsValidationTest {
  private static final QueueSettings SETTINGS = new QueueSettings(10, Duration.ofSeconds(1));

  private static void build(Tier... tiers) {
    new AdmissionQueue<String>(Arrays.asList(tiers), SETTINGS, new ManualClock());
  }

  @Test
  void atLeastOneTierIsRequired() {
    assertThatThrownBy(() -> new AdmissionQueue<String>(List.of(), SETTINGS, new ManualClock()))
        .hasMessage("tiers: at least one tier is required");
  }

  @Test
  void aBadPriorityIsNamedByItsPosition() {
    assertThatThrownBy(() -> build(VIP, new Tier("free", -1, 1.0, Duration.ofSeconds(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tiers[1].priority: must be in [0, 1000], was -1");
    assertThatThrownBy(() -> build(new Tier("low", 1001, 1.0, Duration.ofSeconds(1))))
        .hasMessageStartingWith("tiers[0].priority:");
  }

  @Test
  void aBadWeightIsNamedByItsPosition() {
    assertThatThrownBy(() -> build(VIP, FREE, new Tier("x", 3, 0.0, Duration.ofSeconds(1))))
        .hasMessage("tiers[2].weight: must be a positive number, was 0.0");
    assertThatThrownBy(() -> build(new Tier("x", 3, Double.NaN, Duration.ofSeconds(1))))
        .hasMessageStartingWith("tiers[0].weight:");
    assertThatThrownBy(
            () -> build(new Tier("x", 3, Double.POSITIVE_INFINITY, Duration.ofSeconds(1))))
        .hasMessageStartingWith("tiers[0].weight:");
  }

  @Test
  void aBadQueueTimeoutIsNamedByItsPosition() {
    assertThatThrownBy(() -> build(VIP, new Tier("x", 3, 1.0, Duration.ZERO)))
        .hasMessage("tiers[1].queue_timeout: must be > 0 and at most a day, was PT0S");
    assertThatThrownBy(() -> build(new Tier("x", 3, 1.0, Duration.ofDays(2))))
        .hasMessageStartingWith("tiers[0].queue_timeout:");
  }

  @Test
  void tierNamesMustBeGivenAndUnique() {
    assertThatThrownBy(() -> build(new Tier(" ", 3, 1.0, Duration.ofSeconds(1))))
        .hasMessage("tiers[0].name: must not be blank");
    assertThatThrownBy(() -> build(VIP, FREE, new Tier("vip", 3, 1.0, Duration.ofSeconds(1))))
        .hasMessage("tiers[2].name: duplicate of tiers[0] ('vip')");
    assertThatThrownBy(() -> build(VIP, null)).hasMessage("tiers[1]: must not be null");
  }

  @Test
  void queueSettingsNameTheBadField() {
    assertThatThrownBy(() -> new QueueSettings(0, Duration.ofSeconds(1)))
        .hasMessage("max_queued: must be >= 1, was 0");
    assertThatThrownBy(() -> new QueueSettings(10, Duration.ofNanos(-1)))
        .hasMessageStartingWith("aging_step: must be > 0");
    assertThatThrownBy(() -> new QueueSettings(10, Duration.ofDays(2)))
        .hasMessageStartingWith("aging_step:");
  }
}
