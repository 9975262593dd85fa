package dev.switchboard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

  @Test
  void negativeLimitsAreRefusedNamingTheDimension() {
    assertThatThrownBy(() -> new Quota(-1, 0)).hasMessageContaining("requests per minute");
    assertThatThrownBy(() -> new Quota(0, -1)).hasMessageContaining("tokens per minute");
  }

  @Test
  void limitsAboveOnePerNanosecondAreRefusedSinceNoBucketCouldRefillThatFast() {
    assertThat(new Quota(Quota.MAX_PER_MINUTE, Quota.MAX_PER_MINUTE).tokensPerMinute()).isEqualTo(60_000_000_000L);
    assertThatThrownBy(() -> new Quota(0, Quota.MAX_PER_MINUTE + 1)).hasMessageContaining("tokens per minute");
    // The highest allowed limit is one a bucket can hold.
    Quota highest = new Quota(Quota.MAX_PER_MINUTE, Quota.MAX_PER_MINUTE);
    RateLimiter limiter =
        new RateLimiter(new RateLimits(highest, Map.of(), Map.of()), new InMemoryBucketStore(new ManualClock()));
    assertThat(limiter.acquireNow("k", "t", 1).decision().allowed()).isTrue();
  }

  @Test
  void anEmptyTierNameIsRefused() {
    assertThatThrownBy(() -> new RateLimits(Quota.UNLIMITED, Map.of(" ", new Quota(1, 1)), Map.of()))
        .hasMessageContaining("tier");
  }

  @Test
  void anUnlistedTierHasNoLimitAndAnUnlistedKeyTheDefault() {
    RateLimits limits = new RateLimits(new Quota(5, 50), Map.of("vip", new Quota(9, 90)), Map.of("x", new Quota(1, 1)));
    assertThat(limits.forTier("free")).isEqualTo(Quota.UNLIMITED);
    assertThat(limits.forTier("vip")).isEqualTo(new Quota(9, 90));
    assertThat(limits.forKey("y")).isEqualTo(new Quota(5, 50));
    assertThat(limits.forKey("x")).isEqualTo(new Quota(1, 1));
  }

  @Test
  void aShareRoundsDownButNeverTurnsALimitIntoNone() {
    assertThat(new Quota(30, 1000).share(3)).isEqualTo(new Quota(10, 333));
    assertThat(new Quota(2, 0).share(3)).as("0 would mean unlimited").isEqualTo(new Quota(1, 0));
    RateLimits shared = new RateLimits(new Quota(30, 0), Map.of("vip", new Quota(90, 0)), Map.of()).share(3);
    assertThat(shared.perKey()).isEqualTo(new Quota(10, 0));
    assertThat(shared.forTier("vip")).isEqualTo(new Quota(30, 0));
    assertThatThrownBy(() -> new Quota(1, 1).share(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBucketSpecNeedsAPositiveLimit() {
    assertThatThrownBy(() -> new BucketSpec(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new BucketSpec(60).configuration().getBandwidths()[0].getCapacity()).isEqualTo(60);
  }
}
