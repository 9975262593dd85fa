package dev.switchboard.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Randomness;
import dev.switchboard.core.balance.BalancerOptions.LlmAwareWeights;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.Replica;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BalancersTest {

  static Stream<String> names() {
    return Balancers.names().stream();
  }

  @ParameterizedTest
  @MethodSource("names")
  void everyNameCreatesABalancerOfThatName(String name) {
    Balancer balancer = Balancers.create(name, Randomness.seeded(1));

    assertThat(balancer.name()).isEqualTo(name);
    assertThat(Balancers.exists(name)).isTrue();
  }

  @Test
  void theNamesAreDistinctAndCoverEveryPolicy() {
    assertThat(Balancers.names())
        .doesNotHaveDuplicates()
        .containsExactly(
            "round-robin",
            "least-requests",
            "peak-ewma",
            "p2c-least-requests",
            "p2c-peak-ewma",
            "llm-aware",
            "shortest-expected-delay");
  }

  @Test
  void anUnknownNameIsRejectedListingTheKnownOnes() {
    assertThatThrownBy(() -> Balancers.create("fastest", Randomness.seeded(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fastest")
        .hasMessageContainingAll(Balancers.names().toArray(new String[0]));
    assertThat(Balancers.exists("fastest")).isFalse();
  }

  @Test
  void theOptionsReachTheLlmAwareBalancer() {
    Fixture fixture = new Fixture();
    Replica queued = fixture.replica(0);
    Replica idle = fixture.replica(1);
    queued.report(new LoadReport(10, 0, 0.1, 0));
    idle.report(new LoadReport(0, 0, 0.9, 0));
    BalancerOptions queueBlind = new BalancerOptions(new LlmAwareWeights(0.0, 1.0, 1.0));

    Balancer balancer = Balancers.create(LlmAwareBalancer.NAME, queueBlind, Randomness.seeded(1));

    assertThat(Fixture.pickOne(balancer, Fixture.set(queued, idle))).isSameAs(queued);
  }
}
