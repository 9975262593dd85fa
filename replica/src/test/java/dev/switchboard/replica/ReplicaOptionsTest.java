package dev.switchboard.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.sim.model.StepModelSpec;
import dev.switchboard.sim.workload.TokenDistribution;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaOptionsTest {
  private static final ReplicaOptions BASE = ReplicaOptions.of("m");

  @Test
  void ofGivesAHealthyLoopbackReplicaOnAnEphemeralPortWithVllmDefaults() {
    assertThat(BASE)
        .isEqualTo(
            new ReplicaOptions(
                ReplicaOptions.DEFAULT_HOST, 0, "m", 1.0, StepModelSpec.defaults(),
                ReplicaOptions.DEFAULT_MAX_TOKENS, Optional.empty(),
                ReplicaOptions.DEFAULT_MAX_MODEL_LEN, Faults.NONE, 0L));
  }

  @Test
  void eachWitherChangesItsOwnComponentAndKeepsEveryOther() {
    TokenDistribution tokens = TokenDistribution.constant(7);
    Faults faults = Faults.NONE.withErrorRate(0.5);
    StepModelSpec spec = new StepModelSpec(1, 2, 3, 4, 5, 6);
    ReplicaOptions changed =
        BASE.withHost("0.0.0.0")
            .withPort(9000)
            .withSpeed(2.0)
            .withModelSpec(spec)
            .withDefaultMaxTokens(64)
            .withOutputTokens(tokens)
            .withMaxModelLen(4096)
            .withFaults(faults)
            .withSeed(42);
    assertThat(changed)
        .isEqualTo(
            new ReplicaOptions(
                "0.0.0.0", 9000, "m", 2.0, spec, 64, Optional.of(tokens), 4096, faults, 42L));
  }

  @Test
  void aWitherLeavesTheOriginalAsItWas() {
    BASE.withSeed(9).withPort(1234);
    assertThat(BASE.seed()).isZero();
    assertThat(BASE.port()).isZero();
  }

  @Test
  void aBadValueGivenToAWitherFailsAsTheConstructorDoes() {
    assertThatThrownBy(() -> BASE.withPort(70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in [0, 65535], was 70000");
    assertThatThrownBy(() -> BASE.withSpeed(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("speed must be a number > 0, was 0.0");
    assertThatThrownBy(() -> BASE.withHost(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host");
  }
}
