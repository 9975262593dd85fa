package dev.switchboard.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.Node;
import dev.switchboard.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TierMixTest {

  private static TierMix parse(String yaml) {
    return TierMix.parse(Yaml.node(yaml, "workload.tiers"));
  }

  @Test
  void absentTiersGiveOneStandardTierWithOneTenant() {
    TierMix mix = TierMix.parse(new Node(null, "workload.tiers"));
    assertThat(mix.tierNames()).containsExactly("standard");
    Tier tier = mix.pickTier(new SplittableRandom(1));
    assertThat(tier.pickTenant(new SplittableRandom(1))).isEqualTo("standard-0");
  }

  @Test
  void tierNamesKeepTheGivenOrder() {
    TierMix mix = parse("[{name: free, share: 9}, {name: vip, share: 1}, {name: batch, share: 5}]");
    assertThat(mix.tierNames()).containsExactly("free", "vip", "batch");
  }

  @Test
  void sharesAreNormalisedAndRespectedWhenSampling() {
    TierMix mix = parse("[{name: vip, share: 1}, {name: free, share: 3}]");
    assertThat(mix.tiers().get(0).share()).isEqualTo(0.25);
    assertThat(mix.tiers().get(1).share()).isEqualTo(0.75);
    SplittableRandom rnd = new SplittableRandom(3);
    int vip = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      if (mix.pickTier(rnd).name().equals("vip")) {
        vip++;
      }
    }
    assertThat(vip / (double) n).isCloseTo(0.25, within(0.01));
  }

  @Test
  void tenantsAreNamedAfterTheirTierFromZeroAndPickedUniformly() {
    Tier vip = parse("[{name: vip, share: 1, tenants: 3}]").tiers().get(0);
    assertThat(vip.tenants()).containsExactly("vip-0", "vip-1", "vip-2");
    SplittableRandom rnd = new SplittableRandom(5);
    Map<String, Integer> counts = new HashMap<>();
    int n = 30_000;
    for (int i = 0; i < n; i++) {
      counts.merge(vip.pickTenant(rnd), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("vip-0", "vip-1", "vip-2");
    counts.values().forEach(c -> assertThat(c / (double) n).isCloseTo(1 / 3.0, within(0.015)));
  }

  @Test
  void pickingATenantAllocatesNoNewString() {
    Tier free = parse("[{name: free, share: 1, tenants: 2}]").tiers().get(0);
    SplittableRandom rnd = new SplittableRandom(9);
    for (int i = 0; i < 100; i++) {
      String t = free.pickTenant(rnd);
      assertThat(t).isSameAs(free.tenants().get(t.equals("free-0") ? 0 : 1));
    }
  }

  @Test
  void aNonPositiveShareIsRejectedNamingTheTier() {
    assertThatThrownBy(() -> parse("[{name: a, share: 1}, {name: b, share: 0}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("workload.tiers[1].share: must be > 0");
  }

  @Test
  void duplicateNamesAreRejected() {
    assertThatThrownBy(() -> parse("[{name: a, share: 1}, {name: a, share: 2}]"))
        .hasMessage("workload.tiers[1].name: duplicate tier 'a'");
  }

  @Test
  void anEmptyNameIsRejected() {
    assertThatThrownBy(() -> parse("[{name: '', share: 1}]"))
        .hasMessage("workload.tiers[0].name: must not be empty");
  }

  @Test
  void aMisspelledTierFieldIsNamed() {
    assertThatThrownBy(() -> parse("[{name: a, share: 1, tenant: 3}]"))
        .hasMessageStartingWith("workload.tiers[0].tenant: unknown field");
  }

  @Test
  void anEmptyListIsRejected() {
    assertThatThrownBy(() -> parse("[]"))
        .hasMessageStartingWith("workload.tiers: must have at least one");
  }
}
