package dev.switchboard.core.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceRateTest {
  private static final long MS = 1_000_000L;
  private static final Duration TAU = Duration.ofSeconds(1);

  private final ManualClock clock = new ManualClock();
  private final Replica replica = new Replica("a", 1.0, clock, TAU);

  /** Serves {@code count} requests one at a time, each taking {@code serviceMs}, idle between. */
  private void serveOneAtATime(int count, long serviceMs, long idleMs) {
    for (int i = 0; i < count; i++) {
      long start = replica.onDispatch();
      clock.advanceNanos(serviceMs * MS);
      replica.onComplete(start, true);
      clock.advanceNanos(idleMs * MS);
    }
  }

  @Test
  void theRateIsUnknownBeforeTheFirstCompletion() {
    assertThat(replica.serviceRatePerSecond()).isNaN();

    replica.onDispatch();
    clock.advanceNanos(500 * MS);

    assertThat(replica.serviceRatePerSecond()).isNaN();
  }

  @Test
  void requestsTaking100MsEachGiveTenPerSecond() {
    serveOneAtATime(20, 100, 0);

    assertThat(replica.serviceRatePerSecond()).isCloseTo(10.0, within(1e-6));
  }

  @Test
  void idleGapsDoNotLowerTheRate() {
    serveOneAtATime(20, 100, 400);
    clock.advance(Duration.ofSeconds(30));

    // Five times more idle than busy, then a long pause: still 10 per busy second.
    assertThat(replica.serviceRatePerSecond()).isCloseTo(10.0, within(1e-6));
  }

  @Test
  void concurrentRequestsCountBusyTimeOnceNotPerRequest() {
    // Two at a time, each 100 ms: the replica serves 20 per busy second.
    for (int i = 0; i < 10; i++) {
      long a = replica.onDispatch();
      long b = replica.onDispatch();
      clock.advanceNanos(100 * MS);
      replica.onComplete(a, true);
      replica.onComplete(b, true);
    }

    assertThat(replica.serviceRatePerSecond()).isCloseTo(20.0, within(1e-6));
  }

  @Test
  void aReplicaThatBecomesTwiceAsSlowIsFollowedAfterAFewDecayTimes() {
    serveOneAtATime(100, 100, 0);
    assertThat(replica.serviceRatePerSecond()).isCloseTo(10.0, within(1e-6));

    serveOneAtATime(5, 200, 0);
    // One decay time in: well on the way, but still remembering the fast past.
    assertThat(replica.serviceRatePerSecond()).isBetween(5.5, 8.0);

    serveOneAtATime(20, 200, 0);
    assertThat(replica.serviceRatePerSecond()).isCloseTo(5.0, within(0.05));
  }

  @Test
  void anOutstandingRequestThatTakesLongLowersTheRateBeforeItCompletes() {
    serveOneAtATime(20, 100, 0);
    replica.onDispatch();
    clock.advance(Duration.ofSeconds(1));

    // A replica that stopped answering must not keep looking fast until it answers.
    assertThat(replica.serviceRatePerSecond()).isLessThan(5.0);
  }

  @Test
  void theDecayTimeMustBePositive() {
    assertThatThrownBy(() -> new ServiceRate(clock, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decay time must be > 0");
  }
}
