package dev.switchboard.sim.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.Failed;
import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.event.FirstByte;
import dev.switchboard.core.event.RateLimited;
import dev.switchboard.core.event.ReplicaStateChanged;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.event.Shed;
import dev.switchboard.core.event.ShedReason;
import dev.switchboard.core.replica.ReplicaState;
import dev.switchboard.core.request.RequestInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
  private static final long MS = 1_000_000;
  private static final String POOL = "pool";

  private final RunMetrics metrics = new RunMetrics(List.of("a", "b", "c"), List.of("vip", "free"));

  private static RequestInfo request(String tier) {
    return new RequestInfo("", 10, 10, tier + "-0", tier);
  }

  private PolicyResult result() {
    return metrics.result("p", Map.of("a", 500 * MS, "b", 250 * MS));
  }

  @Test
  void completionsGiveLatencyAndTimeToFirstByteOverall() {
    RequestInfo r = request("vip");
    metrics.on(new Dispatched(0, POOL, "a", r, 1));
    metrics.on(new FirstByte(40 * MS, POOL, "a", r, 0));
    metrics.on(new Completed(100 * MS, POOL, "a", r, 0, 40 * MS, 1, 200));
    metrics.onQueueWait(5 * MS);
    PolicyResult p = result();
    assertThat(p.completed()).isEqualTo(1);
    assertThat(p.latencyMs().p50()).isCloseTo(100, within(0.1));
    assertThat(p.ttftMs().p50()).isCloseTo(40, within(0.1));
    assertThat(p.queueWaitMs().p50()).isCloseTo(5, within(0.01));
    assertThat(p.byTier().get("vip").completed()).isEqualTo(1);
    assertThat(p.byTier().get("vip").latencyMs().p99()).isCloseTo(100, within(0.1));
    assertThat(p.durationSeconds()).isCloseTo(0.1, within(1e-9));
  }

  @Test
  void sharesAreTheTriesEachReplicaGotKeyedByIdInTheScenariosOrder() {
    RequestInfo r = request("free");
    metrics.on(new Dispatched(0, POOL, "c", r, 1));
    metrics.on(new Dispatched(0, POOL, "c", r, 2));
    metrics.on(new Dispatched(0, POOL, "a", r, 3));
    metrics.on(new Dispatched(0, POOL, "c", r, 1));
    metrics.on(new Completed(MS, POOL, "c", r, 0, MS, 1, 200));
    PolicyResult p = result();
    assertThat(p.replicaShare()).containsExactly(0.25, 0.0, 0.75);
    assertThat(p.replicaUtilization()[0]).isEqualTo(1.0);
  }

  @Test
  void everyWayARequestEndsIsCountedOnceWithItsTier() {
    RequestInfo vip = request("vip");
    RequestInfo free = request("free");
    metrics.on(new Completed(10 * MS, POOL, "a", vip, 0, 10 * MS, 2, 200));
    metrics.on(new Retried(5 * MS, POOL, "b", vip, FailureCause.SERVER_ERROR, 2));
    metrics.on(new Failed(20 * MS, POOL, "b", free, 0, FailureCause.SERVER_ERROR, 3));
    metrics.on(new Failed(20 * MS, POOL, "a", free, 0, FailureCause.MID_ANSWER, 1));
    metrics.on(new Failed(20 * MS, POOL, "c", free, 0, FailureCause.NO_REPLICA, 2));
    metrics.on(new Failed(20 * MS, POOL, null, free, 0, FailureCause.NO_REPLICA, 0));
    metrics.on(new Failed(20 * MS, POOL, "a", vip, 0, FailureCause.REFUSED, 1));
    metrics.on(new Shed(30 * MS, POOL, free, 0, ShedReason.EXPIRED));
    metrics.on(new RateLimited(0, POOL, "free-0", "free", false));
    PolicyResult p = result();
    assertThat(p.completed()).isEqualTo(1);
    assertThat(p.errors()).as("tries failed and not made good").isEqualTo(3);
    assertThat(p.rejected()).as("never tried, refused, shed, rate limited").isEqualTo(4);
    assertThat(p.retries()).isEqualTo(1);
    assertThat(p.byTier().get("free").errors()).isEqualTo(3);
    assertThat(p.byTier().get("free").rejected()).isEqualTo(2);
    assertThat(p.byTier().get("free").rateLimited()).isEqualTo(1);
    assertThat(p.byTier().get("vip").rejected()).isEqualTo(1);
    assertThat(p.series().arrivals()[0]).as("each of the eight arrived once").isEqualTo(8);
  }

  @Test
  void stateChangesMakeEachReplicasTimelineAndEjectionsAreCounted() {
    metrics.on(new ReplicaStateChanged(2_000 * MS, POOL, "b", ReplicaState.READY, ReplicaState.EJECTED, "ejected"));
    metrics.on(new ReplicaStateChanged(7_000 * MS, POOL, "b", ReplicaState.EJECTED, ReplicaState.READY, "ejection over"));
    metrics.on(new ReplicaStateChanged(8_000 * MS, POOL, "b", ReplicaState.READY, ReplicaState.DOWN, "probe failed"));
    PolicyResult p = result();
    assertThat(p.ejections()).isEqualTo(1);
    assertThat(p.stateChanges()).containsOnlyKeys("b");
    assertThat(p.stateChanges().get("b"))
        .containsExactly(
            new StateChange(2.0, ReplicaState.READY, ReplicaState.EJECTED, "ejected"),
            new StateChange(7.0, ReplicaState.EJECTED, ReplicaState.READY, "ejection over"),
            new StateChange(8.0, ReplicaState.READY, ReplicaState.DOWN, "probe failed"));
  }
}
