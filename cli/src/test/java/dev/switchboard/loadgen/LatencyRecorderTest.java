package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.sim.metrics.Percentiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
  @Test
  void keepsCountsAndPercentilesPerTierAndOverall() {
    LatencyRecorder rec = new LatencyRecorder(List.of("vip", "free"));
    for (int i = 1; i <= 100; i++) {
      rec.sent("vip", i * 1_000L);
      rec.ok("vip", i * 1_000_000L, i * 10_000_000L, 2);
    }
    rec.sent("free", 0);
    rec.error("free", "429");
    rec.sent("free", 0);
    rec.error("free", "connect");
    rec.dropped("free");
    LoadgenResult r = rec.result("http://127.0.0.1:1", 50, 2.0, 4.0);

    TierResult vip = r.byTier().get("vip");
    assertThat(vip.ok()).isEqualTo(100);
    assertThat(vip.ttftMs().p50()).isCloseTo(50, within(0.1));
    assertThat(vip.latencyMs().p99()).isCloseTo(990, within(1.0));
    assertThat(vip.latencyMs().max()).isCloseTo(1000, within(1.0));
    assertThat(vip.tokensPerSecond()).isEqualTo(50.0);

    TierResult free = r.byTier().get("free");
    assertThat(free.errors()).isEqualTo(Map.of("429", 1L, "connect", 1L));
    assertThat(free.droppedByLoadgen()).isEqualTo(1);
    assertThat(free.latencyMs().count()).isZero();
    assertThat(free.latencyMs().p50()).isNaN();

    assertThat(r.overall().sent()).isEqualTo(102);
    assertThat(r.overall().errorCount()).isEqualTo(2);
    assertThat(r.achievedRate()).isEqualTo(51.0);
    assertThat(r.offeredRate()).isEqualTo(50.0);
  }

  @Test
  void reportsHowLateEachRequestWasSentOverAllTiers() {
    LatencyRecorder rec = new LatencyRecorder(List.of("vip", "free"));
    for (int i = 1; i <= 99; i++) {
      rec.sent("vip", i * 1_000L); // 1..99 µs late
    }
    rec.sent("free", 2_000_000L); // one send 2 ms late
    rec.dropped("free"); // never sent: not a send that was late
    Percentiles late = rec.result("u", 1, 1, 1).sendLatenessMs();
    assertThat(late.count()).isEqualTo(100);
    assertThat(late.p50()).isCloseTo(0.050, within(0.001));
    assertThat(late.max()).isCloseTo(2.0, within(0.01));
  }

  @Test
  void aSendAheadOfScheduleCountsAsOnTime() {
    LatencyRecorder rec = new LatencyRecorder(List.of());
    rec.sent("t", -5_000);
    assertThat(rec.result("u", 1, 1, 1).sendLatenessMs().max()).isZero();
  }

  @Test
  void aStreamWithoutTokensHasLatencyButNoTimeToFirstToken() {
    LatencyRecorder rec = new LatencyRecorder(List.of());
    rec.sent("t", 0);
    rec.ok("t", -1, 5_000_000, 0);
    TierResult t = rec.result("u", 1, 1, 1).byTier().get("t");
    assertThat(t.latencyMs().count()).isEqualTo(1);
    assertThat(t.ttftMs().count()).isZero();
  }

  @Test
  void reportsTiersInTheOrderGivenEvenWithoutTraffic() {
    LatencyRecorder rec = new LatencyRecorder(List.of("b", "a"));
    assertThat(rec.result("u", 1, 1, 1).byTier().keySet()).containsExactly("b", "a");
  }
}
