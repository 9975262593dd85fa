package dev.switchboard.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierPolicyTest {
  private static final long S = 1_000_000_000L;

  private final OutlierPolicy policy =
      new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(300), 50);

  @Test
  void ejectionTimeDoublesWithEachEjectionInARow() {
    assertThat(policy.ejectionNanos(1)).isEqualTo(5 * S);
    assertThat(policy.ejectionNanos(2)).isEqualTo(10 * S);
    assertThat(policy.ejectionNanos(3)).isEqualTo(20 * S);
    assertThat(policy.ejectionNanos(6)).isEqualTo(160 * S);
  }

  @Test
  void ejectionTimeStopsAtTheMaximum() {
    assertThat(policy.ejectionNanos(7)).isEqualTo(300 * S);
    assertThat(policy.ejectionNanos(64)).isEqualTo(300 * S);
    assertThat(policy.ejectionNanos(Integer.MAX_VALUE)).isEqualTo(300 * S);
  }

  @Test
  void capKeepsTheShareOfTheEjectedAtOrBelowThePercentage() {
    assertThat(policy.allowsOneMore(0, 2)).isTrue();
    assertThat(policy.allowsOneMore(1, 2)).isFalse();
    assertThat(policy.allowsOneMore(0, 1)).as("a single replica is never ejected at 50%").isFalse();
    assertThat(policy.allowsOneMore(4, 10)).isTrue();
    assertThat(policy.allowsOneMore(5, 10)).isFalse();
  }

  @Test
  void aHundredPercentMayEjectTheWholePool() {
    OutlierPolicy all = new OutlierPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(1), 100);
    assertThat(all.allowsOneMore(0, 1)).isTrue();
    assertThat(all.allowsOneMore(2, 3)).isTrue();
  }

  @Test
  void belowAHundredPercentOneReplicaAlwaysStays() {
    OutlierPolicy almost = new OutlierPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(1), 99.9);
    for (int size = 1; size <= 50; size++) {
      assertThat(almost.allowsOneMore(size - 1, size)).as("pool of %d", size).isFalse();
    }
  }

  @Test
  void rejectsSettingsThatMakeNoSense() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new OutlierPolicy(0, s, s, 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutiveFailures");
    assertThatThrownBy(() -> new OutlierPolicy(1, Duration.ZERO, s, 50))
        .hasMessageContaining("baseEjection");
    assertThatThrownBy(() -> new OutlierPolicy(1, s.multipliedBy(2), s, 50))
        .hasMessageContaining("maxEjection");
    assertThatThrownBy(() -> new OutlierPolicy(1, s, s, 100.5))
        .hasMessageContaining("maxEjectedPercent");
    assertThatThrownBy(() -> new OutlierPolicy(1, s, s, Double.NaN))
        .hasMessageContaining("maxEjectedPercent");
  }
}
