package dev.switchboard.core.balance;

import static dev.switchboard.core.balance.Fixture.dispatch;
import static dev.switchboard.core.balance.Fixture.pickOne;
import static dev.switchboard.core.balance.Fixture.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.balance.BalancerOptions.LlmAwareWeights;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import org.junit.jupiter.api.Test;

class LlmAwareBalancerTest {
  private final Fixture fixture = new Fixture();
  private final Balancer balancer = balancer(LlmAwareWeights.DEFAULTS);

  private static Balancer balancer(LlmAwareWeights weights) {
    return new LlmAwareBalancer(Randomness.seeded(42), weights);
  }

  private Replica reporting(int index, int waiting, double kvCacheUsage) {
    Replica replica = fixture.replica(index);
    replica.report(new LoadReport(waiting, 4, kvCacheUsage, fixture.clock.nanoTime()));
    return replica;
  }

  @Test
  void anEmptySetGivesNoReplica() {
    assertThat(balancer.pick(ReplicaSet.empty(), RequestInfo.UNKNOWN)).isSameAs(Pick.noReplica());
  }

  @Test
  void aSingleReplicaIsPickedHoweverLoaded() {
    Replica only = reporting(0, 100, 1.0);

    assertThat(pickOne(balancer, set(only))).isSameAs(only);
  }

  @Test
  void aLongerWaitingQueueLoses() {
    Replica longQueue = reporting(0, 8, 0.5);
    Replica shortQueue = reporting(1, 2, 0.5);
    Replica middle = reporting(2, 5, 0.5);

    assertThat(pickOne(balancer, set(longQueue, shortQueue, middle))).isSameAs(shortQueue);
  }

  @Test
  void higherKvCacheUseLoses() {
    Replica full = reporting(0, 3, 0.9);
    Replica roomy = reporting(1, 3, 0.2);

    assertThat(pickOne(balancer, set(full, roomy))).isSameAs(roomy);
  }

  @Test
  void requestsInFlightBreakTiesBetweenEqualReports() {
    Replica busier = reporting(0, 3, 0.5);
    Replica quieter = reporting(1, 3, 0.5);
    dispatch(busier, 3);
    dispatch(quieter, 1);

    // Between two scrapes the reports cannot tell; this runtime's own count can.
    assertThat(Fixture.count(balancer, set(busier, quieter), 100)).containsExactly(0, 100);
  }

  @Test
  void withoutAnyReportTheRequestsInFlightDecide() {
    Replica[] r = fixture.replicas(3);
    dispatch(r[0], 2);
    dispatch(r[2], 1);

    assertThat(pickOne(balancer, set(r))).isSameAs(r[1]);
  }

  @Test
  void theWeightsChangeTheWinner() {
    Replica queued = reporting(0, 10, 0.1);
    Replica cacheFull = reporting(1, 0, 0.9);
    ReplicaSet set = set(queued, cacheFull);

    // Defaults: queue 0 + kv 0.9 against queue 1 + kv 0.1.
    assertThat(pickOne(balancer, set)).isSameAs(cacheFull);
    assertThat(pickOne(balancer(new LlmAwareWeights(0.0, 1.0, 1.0)), set)).isSameAs(queued);
  }

  @Test
  void aZeroQueueWeightMakesTheQueueIrrelevant() {
    Replica longQueue = reporting(0, 50, 0.5);
    Replica noQueue = reporting(1, 0, 0.5);

    Balancer queueBlind = balancer(new LlmAwareWeights(0.0, 1.0, 1.0));
    int[] counts = Fixture.count(queueBlind, set(longQueue, noQueue), 10_000);

    assertThat(counts[0] / 10_000.0).isCloseTo(0.5, within(0.03));
  }

  @Test
  void breaksTiesUniformlyAtRandom() {
    Replica[] r = {reporting(0, 2, 0.3), reporting(1, 2, 0.3), reporting(2, 2, 0.3)};

    int[] counts = Fixture.count(balancer, set(r), 30_000);

    for (int count : counts) {
      assertThat(count / 30_000.0).isCloseTo(1.0 / 3, within(0.03));
    }
  }

  @Test
  void aNegativeWeightIsRejectedNamingTheField() {
    assertThatThrownBy(() -> new LlmAwareWeights(-1.0, 1.0, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llm_aware.queue");
    assertThatThrownBy(() -> new LlmAwareWeights(1.0, -0.5, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llm_aware.kv_cache");
    assertThatThrownBy(() -> new LlmAwareWeights(1.0, 1.0, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llm_aware.in_flight");
    assertThatThrownBy(() -> new LlmAwareWeights(Double.POSITIVE_INFINITY, 1.0, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llm_aware.queue");
  }

  @Test
  void atLeastOneWeightMustBePositive() {
    assertThatThrownBy(() -> new LlmAwareWeights(0.0, 0.0, 0.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one must be > 0");
  }

  @Test
  void optionsRequireWeights() {
    assertThatThrownBy(() -> new BalancerOptions(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llm_aware");
  }
}
